// Shared fixtures of the learning tests: a tiny ResNet encoder and synthetic views that depend
// only on (sample index, seed), so results are reproducible on any number of ranks.
#pragma once

#include <sslpde/learning/encoder.h>
#include <sslpde/learning/pretraining.h>

#include <random>

namespace sslpde::learning::fixtures
{
inline std::shared_ptr<Encoder> tiny_encoder(MPI_Comm comm, std::int64_t width = 4,
                                             std::uint64_t init_seed = 7)
{
  torch::manual_seed(init_seed);
  ParameterValues values("Encoder/resnet1d");
  values.set("Width", std::to_string(width));
  values.set("Blocks per stage", "1, 1");
  values.set("Representation dimension", "0");
  values.set("Stem", "compact");
  return create_encoder("resnet1d", values, { 3, 8, 16 }, comm);
}

/// A deterministic "trajectory" per index, perturbed by noise drawn from the view seed.
inline torch::Tensor synthetic_views(const std::vector<std::int64_t> &indices,
                                     const std::vector<std::uint64_t> &seeds,
                                     torch::Dtype dtype = torch::kDouble)
{
  std::vector<torch::Tensor> samples;
  for (std::size_t i = 0; i < indices.size(); ++i)
  {
    const double k = 1.0 + static_cast<double>(indices[i] % 5);
    torch::Tensor base = torch::sin(k * torch::linspace(0, 6.28, 3 * 8 * 16, torch::kDouble))
                             .reshape({ 3, 8, 16 });
    std::mt19937_64 generator(seeds[i]);
    std::normal_distribution<double> normal(0.0, 0.3);
    std::vector<double> noise(3 * 8 * 16);
    for (double &n : noise)
      n = normal(generator);
    samples.push_back(base + torch::tensor(noise, torch::kDouble).reshape({ 3, 8, 16 }));
  }
  return torch::stack(samples).to(dtype);
}

inline double max_parameter_difference(torch::nn::Module &a, torch::nn::Module &b)
{
  double worst = 0;
  auto pa = a.named_parameters(true), pb = b.named_parameters(true);
  for (const auto &p : pa)
    worst = std::max(worst, (p.value() - pb[p.key()]).abs().max().item<double>());
  auto ba = a.named_buffers(true), bb = b.named_buffers(true);
  for (const auto &p : ba)
    worst = std::max(
        worst,
        (p.value().to(torch::kDouble) - bb[p.key()].to(torch::kDouble)).abs().max().item<double>());
  return worst;
}
} // namespace sslpde::learning::fixtures
