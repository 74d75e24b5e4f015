// Every generator of the Burgers, KdV and KS groups maps an exact solution to a solution: the
// PDE residual of the transformed sample (with the same nu: the regression target is left
// alone) stays at the level of the untransformed one, while deliberately wrong actions (among
// them the public reference's mistakes) are caught by the same residual.
#include "pde_residual.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

using namespace sslpde::symmetries;
using namespace sslpde::symmetries::testing;

namespace
{
// Correct actions must stay at the untransformed residual level (which must be small); wrong
// ones must be far above.
constexpr double exact_level = 1e-8;
constexpr double fail_level = 1e-3;
double pass_level_for(double plain)
{
  return std::max(10 * plain, 1e-11);
}

struct Solution1D
{
  SampleBatch batch;
  double dt, dx;
  SpaceDerivative mode;
};

Solution1D make_solution(const torch::Tensor &t, const torch::Tensor &x, const torch::Tensor &u,
                         double dt, double dx, SpaceDerivative mode)
{
  Solution1D s{ {}, dt, dx, mode };
  s.batch.u = u.view({ 1, 1, u.size(0), u.size(1) });
  s.batch.t = t.view({ 1, -1 });
  s.batch.x = x.view({ 1, -1 });
  s.batch.length_x = torch::full({ 1 }, dx * (x.size(0) - 1), torch::kFloat64);
  s.batch.field_names = { "u" };
  return s;
}

// Burgers via Cole–Hopf: psi = 1 + a exp(-nu k^2 t) cos(k x), u = -2 nu psi_x / psi.
Solution1D burgers_solution(double nu)
{
  const std::int64_t nx = 128, nt = 33;
  const double dx = 2 * M_PI / nx, dt = 0.03, a = 0.8;
  auto t = grid(0.5, dt, nt), x = grid(0.0, dx, nx + 1);
  auto tt = t.view({ nt, 1 }), xx = x.view({ 1, nx + 1 });
  auto e = a * torch::exp(-nu * tt);
  auto u = -2 * nu * (-e * torch::sin(xx)) / (1 + e * torch::cos(xx));
  return make_solution(t, x, u, dt, dx, SpaceDerivative::spectral_closed);
}

// KdV one-soliton 3 c sech^2(sqrt(c)/2 (x - c t - x0)) on a periodic domain much wider than it.
Solution1D kdv_solution()
{
  const std::int64_t nx = 256, nt = 33;
  const double length = 60, dx = length / nx, dt = 0.05, c = 1.0, x0 = 29.0;
  auto t = grid(0.0, dt, nt), x = grid(0.0, dx, nx + 1);
  auto arg = std::sqrt(c) / 2 * (x.view({ 1, -1 }) - c * t.view({ -1, 1 }) - x0);
  auto u = 3 * c / torch::cosh(arg).pow(2);
  return make_solution(t, x, u, dt, dx, SpaceDerivative::spectral_closed);
}

// KS travelling kink (Kuramoto–Tsuzuki): u = c + (15/19) sqrt(11/19) (-9 tanh(k xi) +
// 11 tanh^3(k xi)), k = sqrt(11/19) / 2, xi = x - c t; not periodic: finite differences.
Solution1D ks_solution()
{
  const std::int64_t nx = 801, nt = 33;
  const double dx = 0.05, dt = 0.05, c = 0.5, q = std::sqrt(11.0 / 19.0), k = q / 2;
  auto t = grid(0.0, dt, nt), x = grid(-20.0, dx, nx);
  auto th = torch::tanh(k * (x.view({ 1, -1 }) - c * t.view({ -1, 1 })));
  auto u = c + 15.0 / 19.0 * q * (-9 * th + 11 * th.pow(3));
  auto s = make_solution(t, x, u, dt, dx, SpaceDerivative::finite_difference);
  return s;
}

Residual residual(Equation1D equation, double nu, const Solution1D &s, const TransformedPoints &p)
{
  return residual_1d(equation, nu, p.t[0], p.values[0].select(1, 0), p.values[0].select(1, 1), s.dt,
                     s.dx, s.mode);
}

Residual plain_residual(Equation1D equation, double nu, const Solution1D &s)
{
  return residual_1d(equation, nu, s.batch.t[0],
                     s.batch.x[0].view({ 1, -1 }).expand_as(s.batch.u[0][0]), s.batch.u[0][0], s.dt,
                     s.dx, s.mode);
}

// Every generator of `group_name` with strengths +-eps[g]; then every wrong action.
void check_group(const std::string &group_name, Equation1D equation, double nu, const Solution1D &s,
                 const std::vector<double> &eps,
                 const std::vector<std::pair<std::string, ActionList::Action>> &wrong)
{
  const double plain = plain_residual(equation, nu, s).relative();
  const double pass_level = pass_level_for(plain);
  EXPECT_LT(plain, exact_level) << group_name << ": the exact solution itself does not pass";
  auto group = make_group(group_name);
  ASSERT_EQ(group->n_generators(), eps.size());
  for (std::size_t g = 0; g < group->n_generators(); ++g)
    for (double sign : { 1.0, -1.0 })
    {
      const auto r
          = residual(equation, nu, s, transform(*group, g, sign * eps[g], s.batch)).relative();
      std::printf("residual %-8s %-18s eps %+6.2f : %.2e (untransformed %.2e)\n",
                  group_name.c_str(), group->generators()[g].name.c_str(), sign * eps[g], r, plain);
      EXPECT_LT(r, pass_level) << group_name << " generator '" << group->generators()[g].name
                               << "' eps = " << sign * eps[g] << ": residual " << r
                               << " (untransformed " << plain << ")";
    }
  ActionList wrong_group(1, { { "u" } }, wrong);
  for (std::size_t g = 0; g < wrong.size(); ++g)
  {
    const auto r
        = residual(equation, nu, s, transform(wrong_group, g, eps.back(), s.batch)).relative();
    std::printf("residual %-8s WRONG %-60s : %.2e\n", group_name.c_str(), wrong[g].first.c_str(),
                r);
    EXPECT_GT(r, fail_level) << group_name << " wrong action '" << wrong[g].first
                             << "' was not caught";
  }
}

constexpr auto X = FrameAction::x, ONE = FrameAction::one;

ActionList::Action scaling(double a, double b, double c)
{
  return [=](double eps, FrameAction &m)
  {
    m.t *= std::exp(a * eps);
    m(X, X) = std::exp(b * eps);
    m(m.field(0), m.field(0)) = std::exp(c * eps);
  };
}
// The Galilean boost without u + eps.
void boost_without_velocity(double eps, FrameAction &m)
{
  m(X, ONE) = eps * m.t;
}
} // namespace

TEST(SymmetriesResidual, Burgers)
{
  const double nu = 0.1;
  const auto s = burgers_solution(nu);
  check_group(
      "burgers", Equation1D::burgers, nu, s, { 0.3, 0.7, 0.3, 0.2, 0.2 },
      { { "KdV's scaling exponents", scaling(3, 1, -2) },
        { "scaling with u e^{+eps}", scaling(2, 1, 1) },
        { "boost without u + eps", boost_without_velocity },
        { "projective without eps x (potential-Burgers form)", [](double eps, FrameAction &m)
          {
            const double d = 1 - eps * m.t;
            m.t /= d;
            m(X, X) = 1 / d;
            m(m.field(0), m.field(0)) = d;
          } } });
}

TEST(SymmetriesResidual, KdV)
{
  const auto s = kdv_solution();
  check_group("kdv", Equation1D::kdv, 0.0, s, { 0.3, 5.0, 0.3, 0.2 },
              { { "Burgers' scaling exponents", scaling(2, 1, -1) },
                { "scaling with e^{2 eps} t", scaling(2, 1, -2) },
                { "boost without u + eps", boost_without_velocity } });
}

TEST(SymmetriesResidual, KuramotoSivashinsky)
{
  const auto s = ks_solution();
  check_group("ks", Equation1D::ks, 0.0, s, { 0.3, 3.0, 0.3 },
              { { "KdV's scaling (KS has none)", scaling(3, 1, -2) },
                { "Burgers' scaling (KS has none)", scaling(2, 1, -1) },
                { "scaling of the 4th-order term (t e^{4 eps}, x e^{eps}, u e^{-3 eps})",
                  scaling(4, 1, -3) },
                { "boost without u + eps", boost_without_velocity } });
}

// Resampled mode: the fields stay on the uniform periodic grid; the transformed KdV soliton must
// still solve KdV on the new grid, and translation + boost must reproduce the exact moved soliton.
TEST(SymmetriesResidual, KdVResampled)
{
  const auto s = kdv_solution();
  const std::int64_t nx = s.batch.x.size(1) - 1;
  SampleBatch periodic = s.batch;
  periodic.u = s.batch.u.narrow(3, 0, nx).contiguous();
  periodic.x = s.batch.x.narrow(1, 0, nx).contiguous();
  auto group = make_group("kdv");
  const auto fields = match_fields(*group, periodic.field_names);
  const std::vector<std::vector<double>> cases
      = { { 0, 3.0, 0, 0 }, { 0, 0, 0.3, 0 }, { 0, 0, 0, 0.2 }, { 0.2, -4.0, 0.3, -0.2 } };
  for (const auto &eps : cases)
  {
    const auto schedule = lie_trotter_schedule(group->n_generators(), 2, 2);
    const auto maps = compose_for_batch(*group, schedule, eps, periodic);
    const auto out = apply_resampled(periodic, maps, fields, true);
    const double length = out.length_x.item<double>();
    auto closed = [](const torch::Tensor &g, double jump) {
      return torch::cat({ g, g.narrow(1, 0, 1) + jump }, 1);
    };
    const auto u = closed(out.u[0][0], 0.0);
    const auto x = closed(out.x.expand({ out.u.size(2), nx }), length);
    const double dx = length / nx;
    // Residual on the new uniform grid: spacing dx (new units), frames at the new times.
    const auto r = residual_1d(Equation1D::kdv, 0.0, out.t[0], x, u, s.dt, dx,
                               SpaceDerivative::spectral_closed);
    EXPECT_LT(r.relative(), exact_level) << "resampled KdV, eps = (" << eps[0] << ", " << eps[1]
                                         << ", " << eps[2] << ", " << eps[3] << ")";
    if (eps[3] == 0.0 && eps[0] == 0.0)
    {
      // u~(x, t) = u(x - a - b t, t) + b, exactly (translation and boost commute).
      const double a = eps[1], b = eps[2], x0 = 29.0;
      auto t = periodic.t[0].view({ -1, 1 });
      auto xi = torch::remainder(periodic.x[0].view({ 1, -1 }) - a - b * t - t - x0 + 30.0, 60.0)
                - 30.0;
      auto exact = 3 / torch::cosh(0.5 * xi).pow(2) + b;
      EXPECT_LT((out.u[0][0] - exact).abs().max().item<double>(), 1e-9);
    }
  }
}
