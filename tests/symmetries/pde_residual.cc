// PDE residuals of transformed samples (see pde_residual.h).
#include "pde_residual.h"

#include <torch/fft.h>

#include <cmath>
#include <limits>

namespace sslpde::symmetries::testing
{
namespace
{
const double nan = std::numeric_limits<double>::quiet_NaN();

// d/d(axis) with 8th-order central differences; NaN within 4 points of the ends.
torch::Tensor finite_difference(const torch::Tensor &g, std::int64_t axis, double h)
{
  static const double w[4] = { 4.0 / 5, -1.0 / 5, 4.0 / 105, -1.0 / 280 };
  const std::int64_t n = g.size(axis);
  auto out = torch::full_like(g, nan);
  auto interior = torch::zeros_like(g.narrow(axis, 4, n - 8));
  for (int k = 1; k <= 4; ++k)
    interior += w[k - 1] * (g.narrow(axis, 4 + k, n - 8) - g.narrow(axis, 4 - k, n - 8));
  out.narrow(axis, 4, n - 8).copy_(interior / h);
  return out;
}

// d/d(axis) on a closed grid of n + 1 points spanning one period n h: the linear ramp that
// makes g affine-periodic is removed, the periodic part differentiated spectrally, the
// ramp's slope added back.
torch::Tensor spectral_closed(const torch::Tensor &g, std::int64_t axis, double h)
{
  const std::int64_t n = g.size(axis) - 1;
  const double length = n * h;
  auto jump = g.narrow(axis, n, 1) - g.narrow(axis, 0, 1);
  std::vector<std::int64_t> shape(g.dim(), 1);
  shape[axis] = n;
  auto ramp = torch::arange(n, g.options()).view(shape) / static_cast<double>(n);
  auto periodic = g.narrow(axis, 0, n) - jump * ramp;
  auto spectrum = torch::fft::rfft(periodic, n, axis);
  std::vector<std::int64_t> kshape(g.dim(), 1);
  kshape[axis] = n / 2 + 1;
  auto k = torch::arange(n / 2 + 1, g.options()) * (2 * M_PI / length);
  if (n % 2 == 0)
    k[n / 2].fill_(0.0); // the Nyquist mode has no odd derivative
  auto ik = torch::complex(torch::zeros_like(k), k).view(kshape);
  auto derivative = torch::fft::irfft(spectrum * ik, n, axis) + jump / length;
  return torch::cat({ derivative, derivative.narrow(axis, 0, 1) }, axis);
}

torch::Tensor d_space(const torch::Tensor &g, std::int64_t axis, double h, SpaceDerivative mode)
{
  return mode == SpaceDerivative::spectral_closed ? spectral_closed(g, axis, h)
                                                  : finite_difference(g, axis, h);
}

double max_finite(const torch::Tensor &g)
{
  auto a = g.abs();
  return a.masked_select(torch::isfinite(a)).max().item<double>();
}

// d/dt at fixed transformed position: (dG/dt - grad~G . dX~/dt) / (dt~/dt); dt~/dt from the
// transformed frame times, broadcast over space.
torch::Tensor time_factor(const torch::Tensor &t_tilde, double dt, std::int64_t spatial_dims)
{
  auto dtt = finite_difference(t_tilde, 0, dt);
  std::vector<std::int64_t> shape(1 + spatial_dims, 1);
  shape[0] = t_tilde.size(0);
  return dtt.view(shape);
}

Residual summarise(const torch::Tensor &residual, const std::vector<torch::Tensor> &terms)
{
  Residual r;
  r.max_abs = max_finite(residual);
  for (const auto &t : terms)
    r.scale += max_finite(t);
  return r;
}
} // namespace

Residual residual_1d(Equation1D equation, double nu, const torch::Tensor &t_tilde,
                     const torch::Tensor &x_tilde, const torch::Tensor &u, double dt, double dx,
                     SpaceDerivative mode)
{
  const auto jacobian = d_space(x_tilde, 1, dx, mode);
  auto dx_tilde = [&](const torch::Tensor &g) { return d_space(g, 1, dx, mode) / jacobian; };
  const auto ux = dx_tilde(u);
  const auto ut = (finite_difference(u, 0, dt) - ux * finite_difference(x_tilde, 0, dt))
                  / time_factor(t_tilde, dt, 1);
  const auto advection = u * ux;
  const auto uxx = dx_tilde(ux);
  switch (equation)
  {
  case Equation1D::burgers:
    return summarise(ut + advection - nu * uxx, { ut, advection, nu * uxx });
  case Equation1D::kdv:
  {
    const auto uxxx = dx_tilde(uxx);
    return summarise(ut + advection + uxxx, { ut, advection, uxxx });
  }
  case Equation1D::ks:
  default:
  {
    const auto uxxxx = dx_tilde(dx_tilde(uxx));
    return summarise(ut + advection + uxx + uxxxx, { ut, advection, uxx, uxxxx });
  }
  }
}

Residual residual_navier_stokes(double nu, double beta, const torch::Tensor &t_tilde,
                                const torch::Tensor &x, const torch::Tensor &y,
                                const torch::Tensor &s, const torch::Tensor &vx,
                                const torch::Tensor &vy, const torch::Tensor &p, double dt,
                                double dx, double dy)
{
  const auto mode = SpaceDerivative::spectral_closed;
  const auto x1 = d_space(x, 1, dx, mode), x2 = d_space(x, 2, dy, mode);
  const auto y1 = d_space(y, 1, dx, mode), y2 = d_space(y, 2, dy, mode);
  const auto det = x1 * y2 - x2 * y1;
  // grad~ g = J^{-T} grad g with J = d(x~, y~)/d(x, y).
  auto gx = [&](const torch::Tensor &g)
  { return (y2 * d_space(g, 1, dx, mode) - y1 * d_space(g, 2, dy, mode)) / det; };
  auto gy = [&](const torch::Tensor &g)
  { return (-x2 * d_space(g, 1, dx, mode) + x1 * d_space(g, 2, dy, mode)) / det; };
  const auto xt = finite_difference(x, 0, dt), yt = finite_difference(y, 0, dt);
  const auto tf = time_factor(t_tilde, dt, 2);
  auto dt_tilde = [&](const torch::Tensor &g, const torch::Tensor &g_x, const torch::Tensor &g_y)
  { return (finite_difference(g, 0, dt) - g_x * xt - g_y * yt) / tf; };
  const auto ux = gx(vx), uy = gy(vx), vxx = gx(vy), vyy = gy(vy);
  const auto sx = gx(s), sy = gy(s);
  const auto ut = dt_tilde(vx, ux, uy), vt = dt_tilde(vy, vxx, vyy), st = dt_tilde(s, sx, sy);
  const auto lap_u = gx(ux) + gy(uy), lap_v = gx(vxx) + gy(vyy);
  const auto px = gx(p), py = gy(p);
  const auto adv_u = vx * ux + vy * uy, adv_v = vx * vxx + vy * vyy, adv_s = vx * sx + vy * sy;
  const auto momentum_x = ut + adv_u + px - nu * lap_u;
  const auto momentum_y = vt + adv_v + py - nu * lap_v - beta * s;
  const auto continuity = ux + vyy;
  const auto transport = st + adv_s;
  const auto all
      = torch::stack({ momentum_x.abs(), momentum_y.abs(), continuity.abs(), transport.abs() });
  return summarise(all,
                   { ut, vt, adv_u, adv_v, px, py, nu * lap_u, nu * lap_v, beta * s, st, adv_s });
}
} // namespace sslpde::symmetries::testing
