// Every Navier–Stokes generator maps exact solutions (Taylor–Green with a uniform buoyant smoke,
// and a decaying shear flow over a stratified smoke) to solutions with the same nu and beta; the
// public reference's wrong boosts and pressure factors are caught by the same residual, and
// rotations are broken by the buoyancy, as their "approximate" flag says.
#include "pde_residual.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

using namespace sslpde::symmetries;
using namespace sslpde::symmetries::testing;

namespace
{
constexpr double pass_level = 1e-8;
constexpr double fail_level = 1e-3;
constexpr double nu = 0.01;
constexpr std::int64_t n = 32, nt = 17;
constexpr double h = 2 * M_PI / n, dt = 0.05;

struct Flow
{
  SampleBatch batch;
  double beta;
};

Flow make_flow(double beta, bool taylor_green)
{
  auto t = grid(1.0, dt, nt), x = grid(0.0, h, n + 1);
  auto tt = t.view({ nt, 1, 1 }), xx = x.view({ 1, n + 1, 1 }), yy = x.view({ 1, 1, n + 1 });
  torch::Tensor s, u, v, p;
  if (taylor_green)
  {
    // u = sin x cos y F, v = -cos x sin y F, F = exp(-2 nu t); the uniform smoke's buoyancy
    // is balanced by a hydrostatic pressure beta s0 y.
    const double s0 = 0.7;
    auto f = torch::exp(-2 * nu * tt);
    u = torch::sin(xx) * torch::cos(yy) * f;
    v = -torch::cos(xx) * torch::sin(yy) * f;
    p = 0.25 * (torch::cos(2 * xx) + torch::cos(2 * yy)) * f * f + beta * s0 * yy;
    s = torch::full_like(p, s0);
  }
  else
  {
    // u = A exp(-nu k^2 t) sin(k y), v = 0, smoke s0 + s1 cos(k y) carried along x,
    // hydrostatic pressure beta (s0 y + s1 sin(k y) / k).
    const double a = 0.8, k = 2, s0 = 0.5, s1 = 0.3;
    u = a * torch::exp(-nu * k * k * tt) * torch::sin(k * yy) + 0 * xx;
    v = torch::zeros_like(u);
    s = (s0 + s1 * torch::cos(k * yy)) + 0 * xx + 0 * tt;
    p = beta * (s0 * yy + s1 * torch::sin(k * yy) / k) + 0 * xx + 0 * tt;
  }
  Flow flow{ {}, beta };
  flow.batch.u = torch::stack({ s, u, v, p }).unsqueeze(0).contiguous();
  flow.batch.t = t.view({ 1, nt });
  flow.batch.x = x.view({ 1, -1 });
  flow.batch.y = x.view({ 1, -1 });
  flow.batch.length_x = torch::full({ 1 }, 2 * M_PI, torch::kFloat64);
  flow.batch.length_y = flow.batch.length_x;
  flow.batch.field_names = { "s", "vx", "vy", "p" };
  return flow;
}

double residual(const Flow &flow, const TransformedPoints &q)
{
  auto v = q.values[0]; // [nt, 2 + 4, nx, ny]
  return residual_navier_stokes(nu, flow.beta, q.t[0], v.select(1, 0), v.select(1, 1),
                                v.select(1, 2), v.select(1, 3), v.select(1, 4), v.select(1, 5), dt,
                                h, h)
      .relative();
}

double plain(const Flow &flow)
{
  auto u = flow.batch.u[0];
  auto x = flow.batch.x[0].view({ 1, -1, 1 }).expand_as(u[0]),
       y = flow.batch.y[0].view({ 1, 1, -1 }).expand_as(u[0]);
  return residual_navier_stokes(nu, flow.beta, flow.batch.t[0], x, y, u[0], u[1], u[2], u[3], dt, h,
                                h)
      .relative();
}

const std::vector<double> strengths = { 0.3, 0.7, -0.4, 0.2, 0.3, 0.2, 0.2, 0.2, 0.2 };
constexpr auto ONE = FrameAction::one, X = FrameAction::x, Y = FrameAction::y;
} // namespace

TEST(SymmetriesResidual, NavierStokesAllGenerators)
{
  auto group = make_group("navier_stokes");
  ASSERT_EQ(group->n_generators(), strengths.size());
  for (bool taylor_green : { true, false })
  {
    const auto flow = make_flow(0.3, taylor_green);
    const double p0 = plain(flow);
    EXPECT_LT(p0, pass_level) << "the exact flow itself does not pass";
    for (std::size_t g = 0; g < group->n_generators(); ++g)
    {
      const auto &name = group->generators()[g].name;
      const double r = residual(flow, transform(*group, g, strengths[g], flow.batch));
      std::printf("residual NS %-12s %-18s : %.2e (untransformed %.2e)\n",
                  taylor_green ? "Taylor-Green" : "shear", name.c_str(), r, p0);
      if (name == "Rotation")
      {
        // The y-directed buoyancy (balanced by a hydrostatic pressure) turns with the
        // flow under a rotation, but gravity does not: rotations are not symmetries.
        EXPECT_FALSE(group->generators()[g].exact);
        EXPECT_GT(r, fail_level) << "rotation should break the buoyant flow";
      }
      else
        EXPECT_LT(r, pass_level) << (taylor_green ? "Taylor-Green" : "shear")
                                 << " flow, generator '" << name << "': residual " << r
                                 << " (untransformed " << p0 << ")";
    }
  }
  // Without buoyancy the rotation is exact.
  for (bool taylor_green : { true, false })
  {
    const auto flow = make_flow(0.0, taylor_green);
    const double r
        = residual(flow, transform(*group, group->generator_index("Rotation"), 0.3, flow.batch));
    EXPECT_LT(r, pass_level);
  }
}

TEST(SymmetriesResidual, NavierStokesWrongActionsCaught)
{
  // The public reference's mistakes (SCIENCE.md section 5) and two more.
  ActionList wrong(2, { { "s" }, { "vx" }, { "vy" }, { "p" } },
                   { { "quadratic x-boost returning the linear boost",
                       [](double e, FrameAction &a)
                       {
                         a(X, ONE) = e * a.t * a.t;
                         a(a.field(1), ONE) = e;
                       } },
                     { "quadratic y-boost with v + eps",
                       [](double e, FrameAction &a)
                       {
                         a(Y, ONE) = e * a.t * a.t;
                         a(a.field(2), ONE) = e;
                         a(a.field(3), Y) = -2 * e;
                       } },
                     { "quadratic x-boost without pressure",
                       [](double e, FrameAction &a)
                       {
                         a(X, ONE) = e * a.t * a.t;
                         a(a.field(1), ONE) = 2 * e * a.t;
                       } },
                     { "quadratic x-boost with p - eps x",
                       [](double e, FrameAction &a)
                       {
                         a(X, ONE) = e * a.t * a.t;
                         a(a.field(1), ONE) = 2 * e * a.t;
                         a(a.field(3), X) = -e;
                       } },
                     { "scaling with p e^{-eps}",
                       [](double e, FrameAction &a)
                       {
                         a.t *= std::exp(2 * e);
                         a(X, X) = a(Y, Y) = std::exp(e);
                         a(a.field(1), a.field(1)) = a(a.field(2), a.field(2)) = std::exp(-e);
                         a(a.field(3), a.field(3)) = std::exp(-e);
                         a(a.field(0), a.field(0)) = std::exp(-3 * e);
                       } },
                     { "scaling with s e^{-eps}",
                       [](double e, FrameAction &a)
                       {
                         a.t *= std::exp(2 * e);
                         a(X, X) = a(Y, Y) = std::exp(e);
                         a(a.field(1), a.field(1)) = a(a.field(2), a.field(2)) = std::exp(-e);
                         a(a.field(3), a.field(3)) = std::exp(-2 * e);
                         a(a.field(0), a.field(0)) = std::exp(-e);
                       } },
                     { "rotation of coordinates only", [](double e, FrameAction &a)
                       {
                         a(X, X) = std::cos(e), a(X, Y) = -std::sin(e), a(Y, X) = std::sin(e),
                              a(Y, Y) = std::cos(e);
                       } } });
  const auto flow = make_flow(0.3, true);
  for (std::size_t g = 0; g < wrong.n_generators(); ++g)
  {
    const double r = residual(flow, transform(wrong, g, 0.2, flow.batch));
    std::printf("residual NS WRONG %-46s : %.2e\n", wrong.generators()[g].name.c_str(), r);
    EXPECT_GT(r, fail_level) << "wrong action '" << wrong.generators()[g].name << "' not caught";
  }
}
