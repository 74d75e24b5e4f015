// The finite-element engine behind the 1D plugins (Burgers, KdV, Kuramoto-Sivashinsky): deal.II
// continuous elements on a periodic mesh, a mixed (u, w = u_xx) formulation for the third and
// fourth derivatives, and PETSc TS (linearly implicit Rosenbrock-W by default) in time. The header
// is plain C++ (pimpl), so tests, benchmarks and the plugins need no deal.II or PETSc header.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sslpde::solvers
{
/// The three periodic 1D equations, each u_t + u u_x + (linear part) = f(x, t).
enum class Equation1D
{
  burgers, ///< linear part -nu u_xx
  kdv,     ///< linear part u_xxx
  ks       ///< linear part u_xx + u_xxxx
};

struct PeriodicSolver1DSettings
{
  Equation1D equation = Equation1D::burgers;
  /// Burgers viscosity (ignored by KdV and KS).
  double viscosity = 0.01;
  double length = 1.0;
  unsigned int n_cells = 64;
  unsigned int degree = 2;
  double relative_tolerance = 1e-6;
  double absolute_tolerance = 1e-8;
  double initial_time_step = 1e-3;
  /// PETSc options for the TS/SNES/KSP/PC of this solver only (a private options database),
  /// e.g. "-ts_type bdf -ts_bdf_order 3". Applied after the defaults.
  std::string petsc_options;
  /// A step count beyond which the run is declared failed (a blow-up makes steps tiny).
  unsigned long maximum_steps = 1000000;
  /// |u| beyond which the solution is declared divergent.
  double divergence_threshold = 1e6;
};

/// Counters of one run, for profiling and the benchmark table.
struct SolverStatistics
{
  unsigned long steps = 0;
  unsigned long rejected_steps = 0;
  unsigned long residual_evaluations = 0;
  unsigned long jacobian_evaluations = 0;
};

/**
 * Solves one periodic 1D problem on [0, L). Unknowns are the values of the continuous degree-k
 * finite-element field u (and of the auxiliary w = u_xx for KdV and KS) with the periodic
 * constraint eliminated. Everything spatial is exact FE evaluation.
 */
class PeriodicSolver1D
{
public:
  explicit PeriodicSolver1D(const PeriodicSolver1DSettings &settings);
  ~PeriodicSolver1D();
  PeriodicSolver1D(const PeriodicSolver1D &) = delete;
  PeriodicSolver1D &operator=(const PeriodicSolver1D &) = delete;

  /// A source term f(x, t) added to the right-hand side (for manufactured solutions).
  void set_source(std::function<double(double x, double t)> source);

  /// Sets u(., t0) to the L2 projection of u0 (and w to its discrete second derivative).
  void set_initial_condition(const std::function<double(double x)> &u0, double t0 = 0);

  /**
   * Advances through `times` (increasing, >= the current time); at each of them calls
   * `at_time(k)`, during which the accessors below see the solution at times[k]. Throws
   * std::runtime_error naming the time reached if the integrator fails, the step limit is hit or
   * the solution is non-finite or exceeds the divergence threshold.
   */
  void run(const std::vector<double> &times, const std::function<void(std::size_t k)> &at_time);

  /// Sets up the interpolation matrix for evaluate_at_points(): exact FE evaluation at x.
  void set_output_points(const std::vector<double> &x);
  /// u at the output points; `values` must hold x.size() entries.
  void evaluate_at_points(double *values) const;

  /// Integral of u over the domain.
  double mass() const;
  /// ||u - exact||_L2 with a quadrature of high order.
  double l2_error(const std::function<double(double x)> &exact) const;
  double current_time() const;
  unsigned int n_unknowns() const;
  SolverStatistics statistics() const;

private:
  struct Implementation;
  std::unique_ptr<Implementation> implementation;
};
} // namespace sslpde::solvers
