// PDE residuals of transformed samples: derivatives with respect to the transformed coordinates
// (t~, x~[, y~]) by the chain rule from derivatives along the original sample grid, spectral in
// space on periodic (or affine-periodic: a periodic part plus a linear ramp) data, 8th-order
// finite differences in time and on non-periodic data.
#pragma once

#include <ATen/ATen.h>
#include <torch/types.h>

#include <string>

namespace sslpde::symmetries::testing
{
enum class SpaceDerivative
{
  /// Closed periodic grid: nx + 1 points including the endpoint x = L; values may differ
  /// by a constant between the endpoints (affine-periodic, e.g. x~ or u + eps x).
  spectral_closed,
  /// 8th-order central differences; the 4 points next to each edge are NaN.
  finite_difference
};

/// Residual of a transformed solution, relative to the largest term of the equation.
struct Residual
{
  double max_abs = 0;
  double scale = 0;
  double relative() const { return max_abs / scale; }
};

enum class Equation1D
{
  burgers,
  kdv,
  ks
};

/// t_tilde [nt] (a function of the original frame index), x_tilde and u_tilde [nt, N] on the
/// original grid with spacings dt and dx (N = nx + 1 with spectral_closed). Double precision.
Residual residual_1d(Equation1D equation, double nu, const torch::Tensor &t_tilde,
                     const torch::Tensor &x_tilde, const torch::Tensor &u_tilde, double dt,
                     double dx, SpaceDerivative mode);

/// Navier–Stokes with buoyancy: t_tilde [nt]; x, y, s, vx, vy, p [nt, Nx, Ny] on closed
/// periodic grids (spectral_closed in both directions). Residual over both momentum equations,
/// continuity and smoke transport.
Residual residual_navier_stokes(double nu, double beta, const torch::Tensor &t_tilde,
                                const torch::Tensor &x, const torch::Tensor &y,
                                const torch::Tensor &s, const torch::Tensor &vx,
                                const torch::Tensor &vy, const torch::Tensor &p, double dt,
                                double dx, double dy);
} // namespace sslpde::symmetries::testing
