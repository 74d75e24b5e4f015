// The common part of the three 1D data-set generators of SCIENCE.md section 1 (Burgers, KdV, KS):
// draw the initial condition (a sum of sines), the coefficients and the domain from a seed, solve
// with PeriodicSolver1D and sample exactly on the uniform grid and saved times. Plain C++.
#pragma once

#include <sslpde/solvers/pde_solver.h>
#include <sslpde/solvers/periodic_solver_1d.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sslpde::solvers
{
/// Defaults that differ between the three equations (the rest is shared).
struct SineSeriesDefaults
{
  std::string pde;
  Equation1D equation = Equation1D::burgers;
  std::string minimum_length, maximum_length, minimum_time, maximum_time;
  std::string saved_times, kept_times, wave_numbers;
  std::string n_cells, degree;
  std::string relative_tolerance, absolute_tolerance, initial_time_step;
};

/// Everything one trajectory is made from, as drawn from its seed.
struct SineSeriesDraw
{
  double viscosity = 0; // Burgers only
  double length = 0, final_time = 0;
  std::vector<double> amplitudes, phases, wave_numbers;
  double initial_value(double x) const;
};

class SineSeriesPDE : public PDESolver
{
public:
  explicit SineSeriesPDE(const SineSeriesDefaults &defaults);

  /// The parameters of one of the three plugins, with its defaults.
  static ParameterDeclarations declarations(const SineSeriesDefaults &defaults);

  void parse_parameters(const ParameterValues &values) override;
  Trajectory generate(std::uint64_t seed, MPI_Comm communicator) override;

  /// The random parameters of the trajectory of `seed` (documented draw order: viscosity for
  /// Burgers, L, T, then A_k, phi_k, l_k for k = 1..N).
  SineSeriesDraw draw(std::uint64_t seed) const;
  /// Solver settings for one draw (mesh, tolerances, PETSc options from the parameters).
  PeriodicSolver1DSettings settings_for(const SineSeriesDraw &draw) const;
  /// Counters of the last generate() call.
  const SolverStatistics &last_statistics() const { return statistics; }

private:
  SineSeriesDefaults defaults;
  std::string configuration;
  unsigned int n_cells = 0, degree = 0, grid_points = 0, saved_times = 0, kept_times = 0;
  unsigned int n_sines = 0;
  double maximum_amplitude = 0;
  std::vector<long> wave_number_choices;
  double minimum_length = 0, maximum_length = 0, minimum_time = 0, maximum_time = 0;
  double minimum_viscosity = 0, maximum_viscosity = 0;
  double relative_tolerance = 0, absolute_tolerance = 0, initial_time_step = 0;
  double divergence_threshold = 0;
  unsigned long maximum_steps = 0;
  std::string petsc_options;
  SolverStatistics statistics;
};
} // namespace sslpde::solvers
