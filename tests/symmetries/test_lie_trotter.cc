// Orders of the Lie–Trotter / Suzuki splittings, measured against the exact flow of a sum of
// two non-commuting generators (KdV's scaling D and Galilean boost G, [D, G] = 2 G... != 0),
// and the reference's wrong Suzuki constant, which loses the order.
#include "test_support.h"

#include <sslpde/symmetries/frame_maps.h>

#include <gtest/gtest.h>

#include <cmath>

using namespace sslpde::symmetries;
using namespace sslpde::symmetries::testing;

namespace
{
// exp(a D + b G) on (t, x, u) for D = 3 t d_t + x d_x - 2 u d_u and G = t d_x + d_u.
std::array<double, 3> exact_flow(double a, double b, double t, double x, double u)
{
  return { t * std::exp(3 * a), std::exp(a) * (x + b * t * (std::exp(2 * a) - 1) / (2 * a)),
           std::exp(-2 * a) * u + b / (2 * a) * (1 - std::exp(-2 * a)) };
}

double splitting_error(unsigned int order, unsigned int steps,
                       double (*constant)(unsigned int) = nullptr)
{
  auto group = make_group("kdv");
  const std::size_t G = group->n_generators();
  const double a = 0.4, b = 0.6;
  std::vector<double> eps(G, 0.0);
  eps[group->generator_index("Scaling")] = a;
  eps[group->generator_index("Galilean boost")] = b;
  const std::vector<double> times = { 0.5, 1.0, 2.0 };
  const auto maps = compose_frame_maps(*group, lie_trotter_schedule(G, order, steps, constant), eps,
                                       times, 1, times.size());
  double error = 0;
  const double x = 1.3, u = -0.7;
  for (std::size_t n = 0; n < times.size(); ++n)
  {
    const auto e = exact_flow(a, b, times[n], x, u);
    const double xt = maps.a(0, n, 1, 0) + maps.a(0, n, 1, 1) * x + maps.a(0, n, 1, 2) * u;
    const double ut = maps.a(0, n, 2, 0) + maps.a(0, n, 2, 1) * x + maps.a(0, n, 2, 2) * u;
    error
        = std::max({ error, std::abs(maps.t[n] - e[0]), std::abs(xt - e[1]), std::abs(ut - e[2]) });
  }
  return error;
}

double observed_order(unsigned int order, unsigned int steps,
                      double (*constant)(unsigned int) = nullptr)
{
  return std::log2(splitting_error(order, steps, constant)
                   / splitting_error(order, 2 * steps, constant));
}

// The public reference's constant for order 4: 4^{1/(2*order - 1)} instead of 4^{1/(order - 1)}.
double reference_constant(unsigned int order)
{
  return 1.0 / (4.0 - std::pow(4.0, 1.0 / (2.0 * order - 1.0)));
}
} // namespace

TEST(SymmetriesLieTrotter, SuzukiConstant)
{
  EXPECT_NEAR(suzuki_constant(4), 1.0 / (4.0 - std::cbrt(4.0)), 1e-15);
  EXPECT_NEAR(suzuki_constant(6), 1.0 / (4.0 - std::pow(4.0, 0.2)), 1e-15);
  EXPECT_THROW(suzuki_constant(3), std::invalid_argument);
  EXPECT_THROW(lie_trotter_schedule(3, 3, 1), std::invalid_argument);
}

TEST(SymmetriesLieTrotter, ScheduleCoversEveryGeneratorOnce)
{
  for (unsigned int order : { 1u, 2u, 4u, 6u })
    for (unsigned int steps : { 1u, 3u })
    {
      const auto schedule = lie_trotter_schedule(4, order, steps);
      std::vector<double> total(4, 0.0);
      for (std::size_t i = 0; i < schedule.size(); ++i)
      {
        total[schedule[i].generator] += schedule[i].fraction;
        if (i > 0)
        {
          EXPECT_NE(schedule[i].generator, schedule[i - 1].generator) << "unmerged neighbours";
        }
      }
      for (double t : total)
        EXPECT_NEAR(t, 1.0, 1e-13) << "order " << order << ", steps " << steps;
    }
  // Strang, one step: 0 1/2, 1 1/2, 2 1, 1 1/2, 0 1/2.
  const auto strang = lie_trotter_schedule(3, 2, 1);
  ASSERT_EQ(strang.size(), 5u);
  EXPECT_EQ(strang[2].generator, 2u);
  EXPECT_DOUBLE_EQ(strang[2].fraction, 1.0);
}

TEST(SymmetriesLieTrotter, MeasuredOrders)
{
  EXPECT_NEAR(observed_order(1, 16), 1.0, 0.15);
  EXPECT_NEAR(observed_order(2, 8), 2.0, 0.15);
  EXPECT_NEAR(observed_order(4, 4), 4.0, 0.3);
  EXPECT_GT(observed_order(6, 2), 5.6);
  // The reference's constant keeps a symmetric, but only second-order, formula.
  EXPECT_NEAR(observed_order(4, 4, &reference_constant), 2.0, 0.3);
}
