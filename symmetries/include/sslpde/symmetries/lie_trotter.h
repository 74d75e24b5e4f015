// Lie–Trotter splitting of exp(sum_i eps_i X_i) into a product of one-generator group elements:
// order 1 (plain product), order 2 (Strang) and higher even orders by Suzuki's recursion.
// Each factor is an exact group element, so the splitting only changes which element is drawn.
#pragma once

#include <cstddef>
#include <vector>

namespace sslpde::symmetries
{
/// Apply generator `generator` with strength fraction * eps_generator.
struct SplittingStep
{
  std::size_t generator;
  double fraction;
};

/// Suzuki's constant for raising order 2k-2 to 2k: p = 1 / (4 - 4^{1/(2k-1)}).
double suzuki_constant(unsigned int order);

/**
 * The factors, first applied first, of an approximation of exp(sum_i eps_i X_i) over
 * n_generators generators: `steps` repetitions of the order-`order` formula with h = 1/steps.
 * order 1: X_0 ... X_{n-1}; order 2: Strang (halves forwards, then backwards); order 2k:
 * S_2k(h) = S_2k-2(p h)^2 S_2k-2((1 - 4 p) h) S_2k-2(p h)^2. Consecutive factors of the same
 * generator are merged. `constant` overrides Suzuki's p (only to show that a wrong one loses
 * the order). Throws for an order that is neither 1 nor even.
 */
std::vector<SplittingStep> lie_trotter_schedule(std::size_t n_generators, unsigned int order,
                                                unsigned int steps,
                                                double (*constant)(unsigned int) = nullptr);
} // namespace sslpde::symmetries
