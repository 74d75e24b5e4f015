// Lie–Trotter and Suzuki splitting schedules (see lie_trotter.h).
#include <sslpde/symmetries/lie_trotter.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace sslpde::symmetries
{
double suzuki_constant(unsigned int order)
{
  if (order < 4 || order % 2 != 0)
    throw std::invalid_argument("Suzuki's constant is defined for even orders >= 4, not "
                                + std::to_string(order));
  const unsigned int k = order / 2;
  return 1.0 / (4.0 - std::pow(4.0, 1.0 / (2.0 * k - 1.0)));
}

namespace
{
void append(std::vector<SplittingStep> &out, std::size_t generator, double fraction)
{
  if (!out.empty() && out.back().generator == generator)
    out.back().fraction += fraction;
  else
    out.push_back({ generator, fraction });
}

// S_order(h), appended to out.
void recurse(std::vector<SplittingStep> &out, std::size_t n, unsigned int order, double h,
             double (*constant)(unsigned int))
{
  if (order == 1)
  {
    for (std::size_t g = 0; g < n; ++g)
      append(out, g, h);
    return;
  }
  if (order == 2)
  {
    for (std::size_t g = 0; g < n; ++g)
      append(out, g, h / 2);
    for (std::size_t g = n; g-- > 0;)
      append(out, g, h / 2);
    return;
  }
  const double p = constant(order);
  recurse(out, n, order - 2, p * h, constant);
  recurse(out, n, order - 2, p * h, constant);
  recurse(out, n, order - 2, (1 - 4 * p) * h, constant);
  recurse(out, n, order - 2, p * h, constant);
  recurse(out, n, order - 2, p * h, constant);
}
} // namespace

std::vector<SplittingStep> lie_trotter_schedule(std::size_t n_generators, unsigned int order,
                                                unsigned int steps,
                                                double (*constant)(unsigned int))
{
  if (order != 1 && order % 2 != 0)
    throw std::invalid_argument(
        "Lie-Trotter order must be 1 or even (2 Strang, 4, 6, ... Suzuki), not "
        + std::to_string(order));
  if (order == 0 || steps == 0)
    throw std::invalid_argument("Lie-Trotter order and number of splitting steps must be positive");
  if (constant == nullptr)
    constant = &suzuki_constant;
  std::vector<SplittingStep> out;
  for (unsigned int s = 0; s < steps; ++s)
    recurse(out, n_generators, order, 1.0 / steps, constant);
  return out;
}
} // namespace sslpde::symmetries
