// The 2D buoyancy-driven incompressible Navier-Stokes solver (PDEArena's conditioned smoke) of
// SCIENCE.md section 1, as a "PDE solver" plugin. deal.II and PETSc stay in navier_stokes.cc:
// this header is plain C++ and MPI, so the driver, the ensemble generator and tests can use it.
#pragma once

#include <sslpde/solvers/pde_solver.h>

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sslpde::solvers
{
/**
 * Incompressible Navier-Stokes with a passive smoke density s and buoyancy (0, beta s) in the
 * closed box [0, L]^2 with no-slip walls:
 *
 *   v_t + (v . grad) v = -grad p + nu lap v + (0, beta s) + f,  div v = 0,  s_t + v . grad s = 0.
 *
 * Q2 velocity components, Q2 smoke and Q1 pressure (Taylor-Hood) on a
 * parallel::distributed::Triangulation<2> of Cartesian cells; a variable-step BDF2
 * incremental pressure-correction scheme in rotational form with semi-implicit (linearised)
 * convection, the time step chosen from a CFL condition; SUPG-stabilised implicit smoke
 * transport in conservative form. doc/navier_stokes.md gives the details and the reasons.
 */
class NavierStokesSolver : public PDESolver
{
public:
  /// Every parameter of the "navier_stokes" subsection, in SI-free model units.
  struct Settings
  {
    double domain_length = 32.0;
    double viscosity = 0.01;
    double buoyancy_min = 0.2;
    double buoyancy_max = 0.5;
    unsigned int cells_per_direction = 64;
    unsigned int output_nx = 128;
    unsigned int output_ny = 128;
    double first_saved_time = 18.0;
    double saved_time_step = 1.5;
    unsigned int n_saved_frames = 56;
    double cfl_number = 0.5;
    double max_time_step = 0.25;
    double smoke_correlation_length = 2.0;
    unsigned int noise_grid_points = 128;
    double solver_tolerance = 1e-8;
    /// Coefficient of the sparse grad-div stabilisation of the momentum step.
    double grad_div = 0.1;
    /// Smoke entropy viscosity: min(max * h |v|, c * h^2 |residual| / (max s - min s)).
    double entropy_viscosity_max = 0.05;
    double entropy_viscosity_c = 1.0;
    bool smoke_supg = true;
    bool smoke_positivity_limiter = true;
    unsigned int ranks_per_trajectory = 1;
    std::string vtu_output_directory;
  };

  /**
   * Optional replacements for the random problem, used by the verification tests: any hook
   * left empty keeps the default (zero velocity, random smoke, zero body force, no-slip).
   * Functions take (x, y, t).
   */
  struct Hooks
  {
    std::function<std::array<double, 2>(double, double, double)> initial_velocity;
    std::function<double(double, double)> initial_smoke;
    /// Dirichlet values of the velocity on the whole boundary (default: no-slip).
    std::function<std::array<double, 2>(double, double, double)> boundary_velocity;
    /// Extra body force added to the buoyancy.
    std::function<std::array<double, 2>(double, double, double)> body_force;
    /// Exact velocity and pressure: the diagnostics then include L2 errors at each saved time.
    std::function<std::array<double, 2>(double, double, double)> exact_velocity;
    std::function<double(double, double, double)> exact_pressure;
    /// Fixes beta instead of drawing it from the seed.
    std::optional<double> buoyancy;
    /// Fixes a constant time step instead of the CFL choice (for convergence studies).
    std::optional<double> fixed_time_step;
  };

  /// Quantities computed on the finite element solution at each saved time.
  struct FrameDiagnostics
  {
    double time = 0;
    double total_smoke = 0; // integral of s over the box
    double min_smoke = 0;   // minimum nodal value of s
    double max_smoke = 0;
    double divergence_l2 = 0; // || div v ||_L2 of the Q2 velocity
    /// The discrete divergence: || P div v ||_L2 with P the L2 projection onto the Q1
    /// pressure space (zero for an exactly discretely solenoidal Taylor-Hood velocity).
    double discrete_divergence_l2 = 0;
    double velocity_gradient_l2 = 0; // || grad v ||_L2, the scale for divergence_l2
    double kinetic_energy = 0;
    double velocity_error_l2 = -1; // against Hooks::exact_velocity; -1 without one
    double pressure_error_l2 = -1; // mean-free pressures against Hooks::exact_pressure
  };

  struct Diagnostics
  {
    double initial_total_smoke = 0;
    std::vector<FrameDiagnostics> frames;
    unsigned int n_time_steps = 0;
    /// Average Krylov iterations per step of each solve.
    std::map<std::string, double> average_iterations;
    /// Total wall time of each TimerOutput section ("assembly", "solve", "output", ...).
    std::map<std::string, double> wall_times;
    /// Mass that the positivity limiter moved, relative to the total smoke (summed).
    double limiter_mass_fraction = 0;
    unsigned long n_velocity_dofs = 0; // per component
    unsigned long n_pressure_dofs = 0;
  };

  NavierStokesSolver() = default;

  static ParameterDeclarations declare_parameters();
  void parse_parameters(const ParameterValues &values) override;

  Trajectory generate(std::uint64_t seed, MPI_Comm communicator) override;
  unsigned int ranks_per_trajectory() const override { return settings.ranks_per_trajectory; }

  /**
   * generate() with test hooks and diagnostics. Every rank of `communicator` returns the full
   * trajectory. Throws std::runtime_error if the solution becomes non-finite or a linear
   * solver fails.
   */
  Trajectory simulate(std::uint64_t seed, MPI_Comm communicator, const Hooks &hooks,
                      Diagnostics *diagnostics = nullptr) const;

  Settings settings;
  /// The parameter text stored with each trajectory.
  std::string configuration_text;
};
} // namespace sslpde::solvers
