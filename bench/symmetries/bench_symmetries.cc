// Augmentation throughput in samples per second on one thread, batch 1 and 64, for the sample
// shapes of BENCHMARKS.md, next to the reference implementations' figures measured there
// (LPSDA Fourier shifts on KdV: about 1000/s; SSL reference, 9 Navier–Stokes generators,
// Strang, 2 steps, coordinate channels: about 110/s).
#include <sslpde/plugin/allocator_tuning.h>
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/symmetries/augmentation.h>

#include <ATen/Parallel.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <string>

using namespace sslpde;
using namespace sslpde::symmetries;

namespace
{
struct Case
{
  std::string name;
  std::string group;
  std::vector<std::pair<std::string, std::string>> strengths;
  std::vector<std::pair<std::string, std::string>> augmentation;
  std::int64_t nt, nx, ny, fields;
  torch::Dtype dtype;
  double reference; // samples/s, BENCHMARKS.md (0: none)
};

SampleBatch make(const Case &c, std::int64_t batch)
{
  SampleBatch b;
  std::vector<std::int64_t> shape = { batch, c.fields, c.nt, c.nx };
  if (c.ny > 0)
    shape.push_back(c.ny);
  auto options = torch::TensorOptions().dtype(c.dtype);
  b.u = torch::randn(shape, options);
  b.t = torch::linspace(40, 100, c.nt, options).repeat({ batch, 1 });
  const double length = c.ny > 0 ? 32.0 : 128.0;
  b.x = (torch::arange(c.nx, options) * (length / c.nx)).repeat({ batch, 1 });
  b.length_x = torch::full({ batch }, length, options);
  if (c.ny > 0)
  {
    b.y = (torch::arange(c.ny, options) * (length / c.ny)).repeat({ batch, 1 });
    b.length_y = b.length_x.clone();
    b.field_names = { "u", "vx", "vy", "p" };
  }
  else
    b.field_names = { "u" };
  return b;
}

double samples_per_second(const Case &c, std::int64_t batch)
{
  auto values = ParameterValues::defaults(declare_augmentation_parameters(), "Symmetries");
  for (const auto &[k, v] : c.augmentation)
    values.set(k, v);
  auto group = PluginFamily<SymmetryGroup>::create_with_defaults(c.group);
  for (const auto &g : group->generators())
    group->set_max_strength(g.name, 0.0);
  for (const auto &[name, strength] : c.strengths)
    group->set_max_strength(name, std::stod(strength));
  Augmentation augmentation(values, std::move(group));
  const auto data = make(c, batch);
  std::vector<std::uint64_t> seeds(batch);
  std::uint64_t next = 1;
  auto run = [&]
  {
    for (auto &s : seeds)
      s = next++;
    return augmentation.view(data, seeds);
  };
  run();
  // Process CPU time (one thread): our development machines are shared, and wall-clock time
  // there measures the neighbours as much as this code.
  std::size_t samples = 0;
  const std::clock_t start = std::clock();
  double elapsed = 0;
  do
  {
    auto v = run();
    samples += batch;
    elapsed = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  } while (elapsed < 1.0);
  return samples / elapsed;
}
} // namespace

int main()
{
  at::set_num_threads(1);
  // The allocator setting of the sslpde driver, so the figures are what users get.
  sslpde::keep_large_allocations_on_heap();
  const std::vector<Case> cases
      = { { "KdV 140x256 f64, shift+boost+scale, resampled (Fourier)",
            "kdv",
            { { "Space translation", "0.5" }, { "Galilean boost", "0.4" }, { "Scaling", "0.05" } },
            { { "Mode", "resampled" }, { "Lie-Trotter order", "1" } },
            140,
            256,
            0,
            1,
            torch::kFloat64,
            1000 },
          { "KdV 140x256 f64, shift+boost+scale, coordinate channels",
            "kdv",
            { { "Space translation", "0.5" }, { "Galilean boost", "0.4" }, { "Scaling", "0.05" } },
            { { "Mode", "coordinate channels" }, { "Lie-Trotter order", "1" } },
            140,
            256,
            0,
            1,
            torch::kFloat64,
            0 },
          { "NS 16x128x128 f32, 9 generators, Strang 2 steps, coord. ch.",
            "navier_stokes",
            { { "Time translation", "1" },
              { "X translation", "1" },
              { "Y translation", "1" },
              { "Scaling", "0.1" },
              { "Rotation", "0.1" },
              { "Linear boost x", "0.01" },
              { "Linear boost y", "0.01" },
              { "Quadratic boost x", "0.01" },
              { "Quadratic boost y", "0.01" } },
            { { "Mode", "coordinate channels" },
              { "Lie-Trotter order", "2" },
              { "Splitting steps", "2" } },
            16,
            128,
            128,
            4,
            torch::kFloat32,
            110 },
          { "NS 16x128x128 f64, same",
            "navier_stokes",
            { { "Time translation", "1" },
              { "X translation", "1" },
              { "Y translation", "1" },
              { "Scaling", "0.1" },
              { "Rotation", "0.1" },
              { "Linear boost x", "0.01" },
              { "Linear boost y", "0.01" },
              { "Quadratic boost x", "0.01" },
              { "Quadratic boost y", "0.01" } },
            { { "Mode", "coordinate channels" },
              { "Lie-Trotter order", "2" },
              { "Splitting steps", "2" } },
            16,
            128,
            128,
            4,
            torch::kFloat64,
            110 } };
  std::printf("| case (1 thread) | batch | sslpde samples/s | reference samples/s | ratio |\n");
  std::printf("|---|---|---|---|---|\n");
  for (const auto &c : cases)
    for (std::int64_t batch : { 1, 64 })
    {
      const double rate = samples_per_second(c, batch);
      if (c.reference > 0)
        std::printf("| %s | %ld | %.0f | %.0f | %.1fx |\n", c.name.c_str(),
                    static_cast<long>(batch), rate, c.reference, rate / c.reference);
      else
        std::printf("| %s | %ld | %.0f | - | - |\n", c.name.c_str(), static_cast<long>(batch),
                    rate);
      std::fflush(stdout);
    }
  return 0;
}
