// The buoyant Navier-Stokes solver: Q2-Q1 Taylor-Hood on a distributed Cartesian mesh,
// variable-step BDF2 incremental pressure correction (rotational form), SUPG smoke transport,
// exact evaluation of the finite element fields on the uniform output grid.
#include <sslpde/solvers/navier_stokes.h>

#include <deal.II/base/function.h>
#include <deal.II/base/index_set.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/timer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/petsc_precondition.h>
#include <deal.II/lac/petsc_solver.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/numerics/data_out.h>
#include <deal.II/numerics/vector_tools.h>

#include <sslpde/plugin/plugin_registry.h>

#include <petscvec.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>

namespace sslpde::solvers
{
namespace
{
using namespace dealii;
using Settings = NavierStokesSolver::Settings;
using Hooks = NavierStokesSolver::Hooks;
using VectorType = PETScWrappers::MPI::Vector;
using MatrixType = PETScWrappers::MPI::SparseMatrix;

/// Uniform double in [0, 1) from 53 random bits: portable across standard libraries, unlike
/// std::uniform_real_distribution, so a seed gives the same field everywhere.
double uniform01(std::mt19937_64 &rng)
{
  return (rng() >> 11) * 0x1.0p-53;
}

double standard_normal(std::mt19937_64 &rng)
{
  double u1 = uniform01(rng);
  while (u1 <= 0)
    u1 = uniform01(rng);
  const double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

/**
 * The random initial smoke: white noise on an n x n grid of cell centres over the box,
 * Gaussian-filtered with standard deviation `correlation_length` (reflecting at the walls),
 * absolute value, scaled to maximum 1. Bilinear interpolation between the grid values.
 */
class RandomSmoke
{
public:
  RandomSmoke(std::mt19937_64 &rng, unsigned int n, double length, double correlation_length)
      : n(n), h(length / n), values(n * n)
  {
    std::vector<double> noise(n * n);
    for (double &v : noise)
      v = standard_normal(rng);
    const double sigma = correlation_length / h;
    const int radius = std::max(1, static_cast<int>(std::ceil(3.0 * sigma)));
    std::vector<double> kernel(2 * radius + 1);
    for (int k = -radius; k <= radius; ++k)
      kernel[k + radius] = std::exp(-0.5 * k * k / (sigma * sigma));
    const auto reflect = [n = static_cast<int>(n)](int i)
    {
      while (i < 0 || i >= n)
        i = i < 0 ? -i - 1 : 2 * n - i - 1;
      return i;
    };
    std::vector<double> rows(n * n);
    for (unsigned int i = 0; i < n; ++i)
      for (unsigned int j = 0; j < n; ++j)
      {
        double sum = 0;
        for (int k = -radius; k <= radius; ++k)
          sum += kernel[k + radius] * noise[i * n + reflect(static_cast<int>(j) + k)];
        rows[i * n + j] = sum;
      }
    double max_value = 0;
    for (unsigned int i = 0; i < n; ++i)
      for (unsigned int j = 0; j < n; ++j)
      {
        double sum = 0;
        for (int k = -radius; k <= radius; ++k)
          sum += kernel[k + radius] * rows[reflect(static_cast<int>(i) + k) * n + j];
        values[i * n + j] = std::abs(sum);
        max_value = std::max(max_value, values[i * n + j]);
      }
    for (double &v : values)
      v /= max_value;
  }

  double operator()(double x, double y) const
  {
    const double fx = std::clamp(x / h - 0.5, 0.0, n - 1.0);
    const double fy = std::clamp(y / h - 0.5, 0.0, n - 1.0);
    const unsigned int i = std::min(static_cast<unsigned int>(fx), n - 2);
    const unsigned int j = std::min(static_cast<unsigned int>(fy), n - 2);
    const double a = fx - i, b = fy - j;
    return (1 - a) * ((1 - b) * values[i * n + j] + b * values[i * n + j + 1])
           + a * ((1 - b) * values[(i + 1) * n + j] + b * values[(i + 1) * n + j + 1]);
  }

private:
  unsigned int n;
  double h;
  std::vector<double> values; // [ix][iy]
};

/// A scalar deal.II function from a callable of (x, y, t).
class ScalarFunction : public Function<2>
{
public:
  explicit ScalarFunction(std::function<double(double, double, double)> f) : f(std::move(f)) {}
  double value(const Point<2> &p, const unsigned int = 0) const override
  {
    return f(p[0], p[1], this->get_time());
  }

private:
  std::function<double(double, double, double)> f;
};

/// Calls `f(pointer, size)` on the locally owned entries of a PETSc vector.
template <class F> void with_local_array(VectorType &vector, const F &f)
{
  Vec v = static_cast<const Vec &>(vector);
  PetscScalar *data = nullptr;
  PetscInt size = 0;
  AssertThrow(VecGetLocalSize(v, &size) == 0 && VecGetArray(v, &data) == 0,
              ExcMessage("PETSc VecGetArray failed"));
  f(data, static_cast<std::size_t>(size));
  VecRestoreArray(v, &data);
}

/// One output point inside a locally owned cell, with the shape values at it.
struct OutputPoint
{
  std::size_t index; // ix * ny + iy
  std::vector<double> shape_v;
  std::vector<double> shape_p;
};

/// The simulation of one trajectory on one communicator.
class Simulation
{
public:
  Simulation(const Settings &settings, const Hooks &hooks, MPI_Comm communicator, double beta,
             std::function<double(double, double)> initial_smoke);

  void run(Trajectory &trajectory, NavierStokesSolver::Diagnostics *diagnostics,
           std::uint64_t seed);

private:
  void setup();
  void setup_reference_cell();
  void assemble_constant_matrices();
  void make_velocity_constraints(double time);
  void set_initial_values();
  double choose_time_step(double remaining);
  void step(double time, double dt, double omega);
  void assemble_and_solve_momentum(double time, double dt, double omega);
  void solve_pressure(double dt, double omega);
  /// Calls use(local, dofs) on every locally owned cell with local_i = (div v, q_i) over the cell,
  /// v = ghost_velocity, q_i the pressure shape functions (QGauss(3): exact for Q2/Q1).
  template <typename Use>
  void for_each_cell_divergence_moments(Use &&use);
  void update_velocity_and_pressure(double dt, double omega);
  void assemble_and_solve_smoke(double dt, double omega);
  void apply_positivity_limiter();
  void update_ghosts();
  void setup_output_points();
  void write_frame(Trajectory &trajectory, std::size_t frame);
  NavierStokesSolver::FrameDiagnostics compute_diagnostics(double time);
  void write_vtu(std::size_t frame, std::uint64_t seed);
  unsigned int solve(const MatrixType &matrix, VectorType &solution, const VectorType &rhs,
                     PETScWrappers::PreconditionBase &preconditioner, bool symmetric,
                     const std::string &name);

  const Settings &settings;
  const Hooks &hooks;
  MPI_Comm communicator;
  const double beta;
  std::function<double(double, double)> initial_smoke;

  parallel::distributed::Triangulation<2> triangulation;
  FE_Q<2> fe_v;
  FE_Q<2> fe_p;
  DoFHandler<2> dof_v;
  DoFHandler<2> dof_p;
  IndexSet owned_v, relevant_v, owned_p, relevant_p;

  // Dirichlet values of each velocity component; the pressure increment is pinned at the
  // corner (0, 0), a point that does not depend on the partition.
  std::array<AffineConstraints<double>, 2> constraints_velocity;
  AffineConstraints<double> constraints_phi;
  AffineConstraints<double> no_constraints;

  std::array<MatrixType, 2> momentum_matrix;
  MatrixType smoke_matrix, poisson_matrix, pressure_mass_matrix;
  PETScWrappers::PreconditionBoomerAMG poisson_preconditioner;
  PETScWrappers::PreconditionJacobi pressure_mass_preconditioner;
  VectorType lumped_mass_v, inverse_lumped_mass_v;

  // Owned solution vectors at t^{n+1} (current), t^n (old), t^{n-1} (older), and ghosted
  // copies used by the assembly.
  std::array<VectorType, 2> velocity, velocity_old;
  VectorType smoke, smoke_old, pressure, phi;
  std::array<VectorType, 2> ghost_velocity, ghost_velocity_old;
  VectorType ghost_smoke, ghost_smoke_old, ghost_pressure, ghost_phi;

  std::vector<std::vector<OutputPoint>> output_points; // per locally owned cell (index)
  std::vector<typename DoFHandler<2>::active_cell_iterator> output_cells;

  /// Tables on the (common) cell: values and gradients at the QGauss(3) points.
  struct ReferenceCell
  {
    unsigned int n_q = 0;
    std::vector<double> JxW;
    std::vector<Point<2>> unit_points;
    std::vector<double> phi_v, phi_p;         // [q * dofs_per_cell + i]
    std::vector<Tensor<1, 2>> grad_v, grad_p; // real-space gradients
    FullMatrix<double> mass, stiffness;       // Q2 local matrices
  } reference;

  TimerOutput timer;
  std::map<std::string, std::pair<double, unsigned int>> iterations;
  double limiter_moved_mass = 0;
  double h_min = 0;
};

Simulation::Simulation(const Settings &settings, const Hooks &hooks, MPI_Comm communicator,
                       double beta, std::function<double(double, double)> initial_smoke)
    : settings(settings), hooks(hooks), communicator(communicator), beta(beta),
      initial_smoke(std::move(initial_smoke)), triangulation(communicator), fe_v(2), fe_p(1),
      dof_v(triangulation), dof_p(triangulation),
      timer(communicator, std::cout, TimerOutput::never, TimerOutput::wall_times)
{
  TimerOutput::Scope scope(timer, "setup");
  const unsigned int n = settings.cells_per_direction;
  const unsigned int levels = static_cast<unsigned int>(std::round(std::log2(n)));
  if ((1u << levels) == n)
  {
    GridGenerator::hyper_cube(triangulation, 0.0, settings.domain_length);
    triangulation.refine_global(levels);
  }
  else
    GridGenerator::subdivided_hyper_cube(triangulation, n, 0.0, settings.domain_length);
  h_min = settings.domain_length / n;
  setup();
  setup_reference_cell();
  assemble_constant_matrices();
  setup_output_points();
}

void Simulation::setup()
{
  dof_v.distribute_dofs(fe_v);
  dof_p.distribute_dofs(fe_p);
  owned_v = dof_v.locally_owned_dofs();
  owned_p = dof_p.locally_owned_dofs();
  DoFTools::extract_locally_relevant_dofs(dof_v, relevant_v);
  DoFTools::extract_locally_relevant_dofs(dof_p, relevant_p);

  no_constraints.reinit(relevant_v);
  no_constraints.close();
  make_velocity_constraints(0.0);

  constraints_phi.reinit(relevant_p);
  for (const auto &cell : dof_p.active_cell_iterators())
    if (!cell->is_artificial())
      for (unsigned int v = 0; v < GeometryInfo<2>::vertices_per_cell; ++v)
        if (cell->vertex(v).norm() < 1e-10 * settings.domain_length)
        {
          const auto dof = cell->vertex_dof_index(v, 0);
          if (relevant_p.is_element(dof) && !constraints_phi.is_constrained(dof))
            constraints_phi.add_line(dof);
        }
  constraints_phi.close();

  // One sparsity pattern per space, without constraints: a superset of every use.
  DynamicSparsityPattern dsp_v(relevant_v);
  DoFTools::make_sparsity_pattern(dof_v, dsp_v);
  SparsityTools::distribute_sparsity_pattern(dsp_v, owned_v, communicator, relevant_v);
  momentum_matrix[0].reinit(owned_v, owned_v, dsp_v, communicator);
  momentum_matrix[1].reinit(owned_v, owned_v, dsp_v, communicator);
  smoke_matrix.reinit(owned_v, owned_v, dsp_v, communicator);

  DynamicSparsityPattern dsp_p(relevant_p);
  DoFTools::make_sparsity_pattern(dof_p, dsp_p);
  SparsityTools::distribute_sparsity_pattern(dsp_p, owned_p, communicator, relevant_p);
  poisson_matrix.reinit(owned_p, owned_p, dsp_p, communicator);
  pressure_mass_matrix.reinit(owned_p, owned_p, dsp_p, communicator);

  for (unsigned int d = 0; d < 2; ++d)
  {
    velocity[d].reinit(owned_v, communicator);
    velocity_old[d].reinit(owned_v, communicator);
    ghost_velocity[d].reinit(owned_v, relevant_v, communicator);
    ghost_velocity_old[d].reinit(owned_v, relevant_v, communicator);
  }
  smoke.reinit(owned_v, communicator);
  smoke_old.reinit(owned_v, communicator);
  ghost_smoke.reinit(owned_v, relevant_v, communicator);
  ghost_smoke_old.reinit(owned_v, relevant_v, communicator);
  lumped_mass_v.reinit(owned_v, communicator);
  inverse_lumped_mass_v.reinit(owned_v, communicator);
  pressure.reinit(owned_p, communicator);
  phi.reinit(owned_p, communicator);
  ghost_pressure.reinit(owned_p, relevant_p, communicator);
  ghost_phi.reinit(owned_p, relevant_p, communicator);
}

void Simulation::make_velocity_constraints(const double time)
{
  for (unsigned int d = 0; d < 2; ++d)
  {
    constraints_velocity[d].clear();
    constraints_velocity[d].reinit(relevant_v);
    if (hooks.boundary_velocity)
    {
      ScalarFunction g([this, d](double x, double y, double t)
                       { return hooks.boundary_velocity(x, y, t)[d]; });
      g.set_time(time);
      VectorTools::interpolate_boundary_values(dof_v, 0, g, constraints_velocity[d]);
    }
    else
      VectorTools::interpolate_boundary_values(dof_v, 0, Functions::ZeroFunction<2>(),
                                               constraints_velocity[d]);
    constraints_velocity[d].close();
  }
}

void Simulation::assemble_constant_matrices()
{
  // Q1 pressure: Laplacian (pressure increment) and mass (rotational correction).
  {
    const QGauss<2> quadrature(2);
    FEValues<2> fe_values(fe_p, quadrature, update_values | update_gradients | update_JxW_values);
    const unsigned int n = fe_p.n_dofs_per_cell();
    FullMatrix<double> laplace(n, n), mass(n, n);
    std::vector<types::global_dof_index> dofs(n);
    for (const auto &cell : dof_p.active_cell_iterators())
      if (cell->is_locally_owned())
      {
        fe_values.reinit(cell);
        laplace = 0;
        mass = 0;
        for (unsigned int q = 0; q < quadrature.size(); ++q)
          for (unsigned int i = 0; i < n; ++i)
            for (unsigned int j = 0; j < n; ++j)
            {
              laplace(i, j)
                  += fe_values.shape_grad(i, q) * fe_values.shape_grad(j, q) * fe_values.JxW(q);
              mass(i, j)
                  += fe_values.shape_value(i, q) * fe_values.shape_value(j, q) * fe_values.JxW(q);
            }
        cell->get_dof_indices(dofs);
        constraints_phi.distribute_local_to_global(laplace, dofs, poisson_matrix);
        pressure_mass_matrix.add(dofs, mass);
      }
    poisson_matrix.compress(VectorOperation::add);
    pressure_mass_matrix.compress(VectorOperation::add);
  }
  // Q2: row sums of the mass matrix (positive on Cartesian cells), for the lumped L2
  // projection of the velocity correction and the conservative positivity limiter.
  {
    const QGauss<2> quadrature(3);
    FEValues<2> fe_values(fe_v, quadrature, update_values | update_JxW_values);
    const unsigned int n = fe_v.n_dofs_per_cell();
    Vector<double> local(n);
    std::vector<types::global_dof_index> dofs(n);
    for (const auto &cell : dof_v.active_cell_iterators())
      if (cell->is_locally_owned())
      {
        fe_values.reinit(cell);
        local = 0;
        for (unsigned int q = 0; q < quadrature.size(); ++q)
          for (unsigned int i = 0; i < n; ++i)
            local(i) += fe_values.shape_value(i, q) * fe_values.JxW(q);
        cell->get_dof_indices(dofs);
        lumped_mass_v.add(dofs, local);
      }
    lumped_mass_v.compress(VectorOperation::add);
    inverse_lumped_mass_v = lumped_mass_v;
    with_local_array(inverse_lumped_mass_v,
                     [](double *a, std::size_t size)
                     {
                       for (std::size_t i = 0; i < size; ++i)
                         a[i] = 1.0 / a[i];
                     });
  }
  PETScWrappers::PreconditionBoomerAMG::AdditionalData amg_data;
  amg_data.symmetric_operator = true;
  poisson_preconditioner.initialize(poisson_matrix, amg_data);
  pressure_mass_preconditioner.initialize(pressure_mass_matrix);
}

void Simulation::update_ghosts()
{
  for (unsigned int d = 0; d < 2; ++d)
  {
    ghost_velocity[d] = velocity[d];
    ghost_velocity_old[d] = velocity_old[d];
  }
  ghost_smoke = smoke;
  ghost_smoke_old = smoke_old;
  ghost_pressure = pressure;
}

void Simulation::set_initial_values()
{
  for (unsigned int d = 0; d < 2; ++d)
  {
    if (hooks.initial_velocity)
      VectorTools::interpolate(dof_v,
                               ScalarFunction([this, d](double x, double y, double)
                                              { return hooks.initial_velocity(x, y, 0.0)[d]; }),
                               velocity[d]);
    else
      velocity[d] = 0;
    constraints_velocity[d].distribute(velocity[d]);
    velocity_old[d] = velocity[d];
  }
  VectorTools::interpolate(
      dof_v, ScalarFunction([this](double x, double y, double) { return initial_smoke(x, y); }),
      smoke);
  smoke_old = smoke;
  if (hooks.exact_pressure)
    VectorTools::interpolate(dof_p, ScalarFunction(hooks.exact_pressure), pressure);
  else
    pressure = 0;
  phi = 0;
  update_ghosts();
}

double Simulation::choose_time_step(const double remaining)
{
  double dt_target = settings.max_time_step;
  if (hooks.fixed_time_step)
    dt_target = *hooks.fixed_time_step;
  else
  {
    double local_max = 0;
    VectorType &vx = velocity[0];
    VectorType &vy = velocity[1];
    with_local_array(vx,
                     [&](double *a, std::size_t size)
                     {
                       with_local_array(vy,
                                        [&](double *b, std::size_t)
                                        {
                                          for (std::size_t i = 0; i < size; ++i)
                                            local_max
                                                = std::max(local_max, a[i] * a[i] + b[i] * b[i]);
                                        });
                     });
    const double speed = std::sqrt(Utilities::MPI::max(local_max, communicator));
    AssertThrow(std::isfinite(speed), ExcMessage("Navier-Stokes: the velocity became non-finite"));
    // Node spacing of Q2 is half the cell size. The CFL step is rounded down to a quarter
    // octave, so that round-off differences between partitions (a different max |v| in the last
    // digits) do not change the sequence of time steps, which would change the data at the
    // level of the time discretisation error instead of the solver tolerance.
    if (speed > 0)
    {
      const double cfl_step = settings.cfl_number * 0.5 * h_min / speed;
      dt_target = std::min(dt_target, std::exp2(std::floor(4 * std::log2(cfl_step)) / 4));
    }
  }
  AssertThrow(dt_target > 1e-8 * settings.saved_time_step,
              ExcMessage("Navier-Stokes: the CFL time step fell below 1e-8 of the saved "
                         "time step; the flow is diverging"));
  // Land exactly on the next saved (or warm-up) time.
  const double k = std::ceil(remaining / dt_target - 1e-9);
  return remaining / std::max(1.0, k);
}

unsigned int Simulation::solve(const MatrixType &matrix, VectorType &solution,
                               const VectorType &rhs,
                               PETScWrappers::PreconditionBase &preconditioner,
                               const bool symmetric, const std::string &name)
{
  const double norm = rhs.l2_norm();
  unsigned int steps = 0;
  if (norm == 0)
    solution = 0;
  else
  {
    SolverControl control(5000, settings.solver_tolerance * norm);
    try
    {
      if (symmetric)
      {
        PETScWrappers::SolverCG solver(control, communicator);
        solver.solve(matrix, solution, rhs, preconditioner);
      }
      else
      {
        PETScWrappers::SolverGMRES solver(control, communicator,
                                          PETScWrappers::SolverGMRES::AdditionalData(50));
        solver.solve(matrix, solution, rhs, preconditioner);
      }
    }
    catch (const std::exception &e)
    {
      throw std::runtime_error("Navier-Stokes: the " + name
                               + " solver did not converge: " + e.what());
    }
    steps = control.last_step();
  }
  auto &[total, count] = iterations[name];
  total += steps;
  ++count;
  return steps;
}

void Simulation::setup_reference_cell()
{
  // All cells are congruent axis-parallel squares: shape values, gradients and weights are
  // the same on every cell, so they are tabulated once instead of FEValues::reinit per cell.
  const QGauss<2> quadrature(3);
  const double h = h_min;
  reference.n_q = quadrature.size();
  reference.JxW.resize(reference.n_q);
  reference.unit_points = quadrature.get_points();
  const unsigned int nv = fe_v.n_dofs_per_cell(), np = fe_p.n_dofs_per_cell();
  reference.phi_v.assign(reference.n_q * nv, 0.0);
  reference.grad_v.assign(reference.n_q * nv, Tensor<1, 2>());
  reference.phi_p.assign(reference.n_q * np, 0.0);
  reference.grad_p.assign(reference.n_q * np, Tensor<1, 2>());
  reference.mass.reinit(nv, nv);
  reference.stiffness.reinit(nv, nv);
  for (unsigned int q = 0; q < reference.n_q; ++q)
  {
    const Point<2> &xi = quadrature.point(q);
    reference.JxW[q] = quadrature.weight(q) * h * h;
    for (unsigned int i = 0; i < nv; ++i)
    {
      reference.phi_v[q * nv + i] = fe_v.shape_value(i, xi);
      reference.grad_v[q * nv + i] = fe_v.shape_grad(i, xi) / h;
    }
    for (unsigned int i = 0; i < np; ++i)
    {
      reference.phi_p[q * np + i] = fe_p.shape_value(i, xi);
      reference.grad_p[q * np + i] = fe_p.shape_grad(i, xi) / h;
    }
  }
  for (unsigned int q = 0; q < reference.n_q; ++q)
    for (unsigned int i = 0; i < nv; ++i)
      for (unsigned int j = 0; j < nv; ++j)
      {
        reference.mass(i, j)
            += reference.phi_v[q * nv + i] * reference.phi_v[q * nv + j] * reference.JxW[q];
        reference.stiffness(i, j)
            += reference.grad_v[q * nv + i] * reference.grad_v[q * nv + j] * reference.JxW[q];
      }
}

void Simulation::assemble_and_solve_momentum(const double time, const double dt, const double omega)
{
  const double alpha = (1 + 2 * omega) / (1 + omega);
  const double c_old = 1 + omega;
  const double c_older = omega * omega / (1 + omega);
  const double gamma = settings.grad_div;
  if (hooks.boundary_velocity)
    make_velocity_constraints(time + dt);

  std::array<VectorType, 2> rhs;
  {
    TimerOutput::Scope scope(timer, "assembly");
    for (unsigned int d = 0; d < 2; ++d)
    {
      momentum_matrix[d] = 0;
      rhs[d].reinit(owned_v, communicator);
    }
    const unsigned int n = fe_v.n_dofs_per_cell(), np = fe_p.n_dofs_per_cell();
    const unsigned int nq = reference.n_q;
    const auto &phi = reference.phi_v;
    const auto &grad = reference.grad_v;
    std::array<FullMatrix<double>, 2> local_matrix{ FullMatrix<double>(n, n),
                                                    FullMatrix<double>(n, n) };
    std::array<Vector<double>, 2> local_rhs{ Vector<double>(n), Vector<double>(n) };
    std::vector<types::global_dof_index> dofs(n), dofs_p(np);
    std::array<Vector<double>, 2> cell_u, cell_u_old;
    Vector<double> cell_s(n), cell_s_old(n), cell_p(np);
    for (unsigned int d = 0; d < 2; ++d)
    {
      cell_u[d].reinit(n);
      cell_u_old[d].reinit(n);
    }
    std::vector<double> advect(nq * n), coefficient(nq);
    std::vector<std::array<double, 2>> history(nq), explicit_graddiv(nq);

    for (const auto &cell : dof_v.active_cell_iterators())
      if (cell->is_locally_owned())
      {
        const typename DoFHandler<2>::active_cell_iterator cell_p_it(&triangulation, cell->level(),
                                                                     cell->index(), &dof_p);
        for (unsigned int d = 0; d < 2; ++d)
        {
          cell->get_dof_values(ghost_velocity[d], cell_u[d]);
          cell->get_dof_values(ghost_velocity_old[d], cell_u_old[d]);
        }
        cell->get_dof_values(ghost_smoke, cell_s);
        cell->get_dof_values(ghost_smoke_old, cell_s_old);
        cell_p_it->get_dof_values(ghost_pressure, cell_p);

        for (unsigned int q = 0; q < nq; ++q)
        {
          // Extrapolated velocity, its gradient and the smoke at t^{n+1}.
          Tensor<1, 2> u_star;
          Tensor<2, 2> grad_u_star;
          std::array<double, 2> u_hist{ 0.0, 0.0 };
          double s_star = 0;
          for (unsigned int j = 0; j < n; ++j)
          {
            const double pj = phi[q * n + j];
            for (unsigned int d = 0; d < 2; ++d)
            {
              const double star = c_old * cell_u[d](j) - omega * cell_u_old[d](j);
              u_star[d] += star * pj;
              grad_u_star[d] += star * grad[q * n + j];
              u_hist[d] += (c_old * cell_u[d](j) - c_older * cell_u_old[d](j)) * pj;
            }
            s_star += (c_old * cell_s(j) - omega * cell_s_old(j)) * pj;
          }
          Tensor<1, 2> grad_p;
          for (unsigned int j = 0; j < np; ++j)
            grad_p += cell_p(j) * reference.grad_p[q * np + j];
          std::array<double, 2> force{ 0.0, beta * s_star };
          if (hooks.body_force)
          {
            const Point<2> x = cell->vertex(0) + h_min * reference.unit_points[q];
            const auto f = hooks.body_force(x[0], x[1], time + dt);
            force[0] += f[0];
            force[1] += f[1];
          }
          const double div_u_star = trace(grad_u_star);
          coefficient[q] = (alpha / dt + 0.5 * div_u_star) * reference.JxW[q];
          for (unsigned int j = 0; j < n; ++j)
            advect[q * n + j] = (u_star * grad[q * n + j]) * reference.JxW[q];
          for (unsigned int d = 0; d < 2; ++d)
            history[q][d] = (u_hist[d] / dt - grad_p[d] + force[d]) * reference.JxW[q];
          // Sparse grad-div: the off-diagonal part d_y v_y (resp. d_x v_x) explicit.
          explicit_graddiv[q] = { -gamma * grad_u_star[1][1] * reference.JxW[q],
                                  -gamma * grad_u_star[0][0] * reference.JxW[q] };
        }

        for (unsigned int i = 0; i < n; ++i)
        {
          for (unsigned int j = 0; j < n; ++j)
          {
            double value = settings.viscosity * reference.stiffness(i, j);
            double xx = 0, yy = 0;
            for (unsigned int q = 0; q < nq; ++q)
            {
              const double pi = phi[q * n + i];
              value += pi * (coefficient[q] * phi[q * n + j] + advect[q * n + j]);
              xx += grad[q * n + i][0] * grad[q * n + j][0] * reference.JxW[q];
              yy += grad[q * n + i][1] * grad[q * n + j][1] * reference.JxW[q];
            }
            local_matrix[0](i, j) = value + gamma * xx;
            local_matrix[1](i, j) = value + gamma * yy;
          }
          for (unsigned int d = 0; d < 2; ++d)
          {
            double value = 0;
            for (unsigned int q = 0; q < nq; ++q)
              value += phi[q * n + i] * history[q][d] + grad[q * n + i][d] * explicit_graddiv[q][d];
            local_rhs[d](i) = value;
          }
        }
        cell->get_dof_indices(dofs);
        for (unsigned int d = 0; d < 2; ++d)
          constraints_velocity[d].distribute_local_to_global(local_matrix[d], local_rhs[d], dofs,
                                                             momentum_matrix[d], rhs[d]);
      }
    for (unsigned int d = 0; d < 2; ++d)
    {
      momentum_matrix[d].compress(VectorOperation::add);
      rhs[d].compress(VectorOperation::add);
    }
  }
  {
    TimerOutput::Scope scope(timer, "solve momentum");
    for (unsigned int d = 0; d < 2; ++d)
    {
      PETScWrappers::PreconditionBlockJacobi preconditioner(momentum_matrix[d]);
      // Initial guess: the extrapolation to t^{n+1}.
      VectorType guess(velocity[d]);
      guess *= 1 + omega;
      guess.add(-omega, velocity_old[d]);
      velocity_old[d] = velocity[d];
      velocity[d] = guess;
      solve(momentum_matrix[d], velocity[d], rhs[d], preconditioner, false, "momentum");
      constraints_velocity[d].distribute(velocity[d]);
    }
  }
}

template <typename Use>
void Simulation::for_each_cell_divergence_moments(Use &&use)
{
  const QGauss<2> quadrature(3);
  FEValues<2> fe_values(fe_v, quadrature, update_gradients);
  FEValues<2> fe_values_p(fe_p, quadrature, update_values | update_JxW_values);
  const unsigned int n = fe_p.n_dofs_per_cell();
  const unsigned int nq = quadrature.size();
  Vector<double> local(n);
  std::vector<types::global_dof_index> dofs(n);
  std::array<std::vector<Tensor<1, 2>>, 2> grad_u{ std::vector<Tensor<1, 2>>(nq),
                                                   std::vector<Tensor<1, 2>>(nq) };
  for (const auto &cell : dof_v.active_cell_iterators())
    if (cell->is_locally_owned())
    {
      fe_values.reinit(cell);
      const typename DoFHandler<2>::active_cell_iterator cell_p(&triangulation, cell->level(),
                                                                cell->index(), &dof_p);
      fe_values_p.reinit(cell_p);
      for (unsigned int d = 0; d < 2; ++d)
        fe_values.get_function_gradients(ghost_velocity[d], grad_u[d]);
      local = 0;
      for (unsigned int q = 0; q < nq; ++q)
      {
        const double div = grad_u[0][q][0] + grad_u[1][q][1];
        for (unsigned int i = 0; i < n; ++i)
          local(i) += div * fe_values_p.shape_value(i, q) * fe_values_p.JxW(q);
      }
      cell_p->get_dof_indices(dofs);
      use(local, dofs);
    }
}

void Simulation::solve_pressure(const double dt, const double omega)
{
  const double alpha = (1 + 2 * omega) / (1 + omega);
  VectorType rhs(owned_p, communicator), divergence_rhs(owned_p, communicator);
  for (unsigned int d = 0; d < 2; ++d)
    ghost_velocity[d] = velocity[d]; // the tentative velocity
  {
    TimerOutput::Scope scope(timer, "assembly");
    Vector<double> scaled(fe_p.n_dofs_per_cell());
    for_each_cell_divergence_moments(
        [&](const Vector<double> &local, const std::vector<types::global_dof_index> &dofs) {
          divergence_rhs.add(dofs, local);
          scaled = local;
          scaled *= -alpha / dt;
          constraints_phi.distribute_local_to_global(scaled, dofs, rhs);
        });
    rhs.compress(VectorOperation::add);
    divergence_rhs.compress(VectorOperation::add);
  }
  TimerOutput::Scope scope(timer, "solve pressure");
  solve(poisson_matrix, phi, rhs, poisson_preconditioner, true, "pressure Poisson");
  constraints_phi.distribute(phi);
  // Rotational form: p^{n+1} = p^n + phi - nu div(u~), div(u~) projected onto Q1.
  VectorType divergence(owned_p, communicator);
  solve(pressure_mass_matrix, divergence, divergence_rhs, pressure_mass_preconditioner, true,
        "pressure mass");
  pressure.add(1.0, phi);
  pressure.add(-settings.viscosity, divergence);
}

void Simulation::update_velocity_and_pressure(const double dt, const double omega)
{
  const double alpha = (1 + 2 * omega) / (1 + omega);
  ghost_phi = phi;
  std::array<VectorType, 2> correction{ VectorType(owned_v, communicator),
                                        VectorType(owned_v, communicator) };
  {
    TimerOutput::Scope scope(timer, "assembly");
    const QGauss<2> quadrature(3);
    FEValues<2> fe_values(fe_v, quadrature, update_values | update_JxW_values);
    FEValues<2> fe_values_p(fe_p, quadrature, update_gradients);
    const unsigned int n = fe_v.n_dofs_per_cell();
    const unsigned int nq = quadrature.size();
    std::array<Vector<double>, 2> local{ Vector<double>(n), Vector<double>(n) };
    std::vector<types::global_dof_index> dofs(n);
    std::vector<Tensor<1, 2>> grad_phi(nq);
    for (const auto &cell : dof_v.active_cell_iterators())
      if (cell->is_locally_owned())
      {
        fe_values.reinit(cell);
        const typename DoFHandler<2>::active_cell_iterator cell_p(&triangulation, cell->level(),
                                                                  cell->index(), &dof_p);
        fe_values_p.reinit(cell_p);
        fe_values_p.get_function_gradients(ghost_phi, grad_phi);
        local[0] = 0;
        local[1] = 0;
        for (unsigned int q = 0; q < nq; ++q)
          for (unsigned int i = 0; i < n; ++i)
            for (unsigned int d = 0; d < 2; ++d)
              local[d](i) += grad_phi[q][d] * fe_values.shape_value(i, q) * fe_values.JxW(q);
        cell->get_dof_indices(dofs);
        for (unsigned int d = 0; d < 2; ++d)
          correction[d].add(dofs, local[d]);
      }
  }
  // u^{n+1} = u~ - dt/alpha grad(phi), by lumped L2 projection onto Q2; walls keep their
  // Dirichlet values.
  for (unsigned int d = 0; d < 2; ++d)
  {
    correction[d].compress(VectorOperation::add);
    correction[d].scale(inverse_lumped_mass_v);
    velocity[d].add(-dt / alpha, correction[d]);
    constraints_velocity[d].distribute(velocity[d]);
  }
}

void Simulation::assemble_and_solve_smoke(const double dt, const double omega)
{
  const double alpha = (1 + 2 * omega) / (1 + omega);
  const double c_old = 1 + omega;
  const double c_older = omega * omega / (1 + omega);
  for (unsigned int d = 0; d < 2; ++d)
    ghost_velocity[d] = velocity[d]; // u^{n+1}
  VectorType rhs(owned_v, communicator);
  {
    TimerOutput::Scope scope(timer, "assembly");
    smoke_matrix = 0;
    const unsigned int n = fe_v.n_dofs_per_cell();
    const unsigned int nq = reference.n_q;
    const auto &phi = reference.phi_v;
    const auto &grad = reference.grad_v;
    const double h = h_min / fe_v.degree;
    FullMatrix<double> local_matrix(n, n);
    Vector<double> local_rhs(n);
    std::vector<types::global_dof_index> dofs(n);
    std::array<Vector<double>, 2> cell_u{ Vector<double>(n), Vector<double>(n) };
    Vector<double> cell_s(n), cell_s_old(n);
    std::vector<double> advect(nq * n), tau(nq), history(nq);
    // Entropy viscosity (Guermond, Pasquetti, Popov 2011, as in deal.II's step-31): a cellwise
    // diffusion from the residual of the extrapolated smoke, capped by first-order upwind
    // viscosity; large only at under-resolved fronts, where it damps the Gibbs over- and
    // undershoots that the positivity limiter would otherwise accumulate.
    double smoke_max = 0, smoke_min = 0;
    VecMax(static_cast<const Vec &>(smoke), nullptr, &smoke_max);
    VecMin(static_cast<const Vec &>(smoke), nullptr, &smoke_min);
    const double variation = std::max(smoke_max - smoke_min, 1e-12);
    const double diameter = h_min * std::sqrt(2.0);
    for (const auto &cell : dof_v.active_cell_iterators())
      if (cell->is_locally_owned())
      {
        for (unsigned int d = 0; d < 2; ++d)
          cell->get_dof_values(ghost_velocity[d], cell_u[d]);
        cell->get_dof_values(ghost_smoke, cell_s);
        cell->get_dof_values(ghost_smoke_old, cell_s_old);
        double max_speed = 0, max_residual = 0;
        for (unsigned int q = 0; q < nq; ++q)
        {
          Tensor<1, 2> u, grad_s_star;
          double s_hist = 0, s_star = 0;
          for (unsigned int j = 0; j < n; ++j)
          {
            const double pj = phi[q * n + j];
            u[0] += cell_u[0](j) * pj;
            u[1] += cell_u[1](j) * pj;
            s_hist += (c_old * cell_s(j) - c_older * cell_s_old(j)) * pj;
            const double star = (1 + omega) * cell_s(j) - omega * cell_s_old(j);
            s_star += star * pj;
            grad_s_star += star * grad[q * n + j];
          }
          const double speed = u.norm();
          max_speed = std::max(max_speed, speed);
          max_residual
              = std::max(max_residual, std::abs((alpha * s_star - s_hist) / dt + u * grad_s_star));
          tau[q] = settings.smoke_supg
                       ? 1.0 / std::sqrt(std::pow(2 * alpha / dt, 2) + std::pow(2 * speed / h, 2))
                       : 0.0;
          history[q] = s_hist / dt * reference.JxW[q];
          for (unsigned int j = 0; j < n; ++j)
            advect[q * n + j] = u * grad[q * n + j];
        }
        const double viscosity = std::min(settings.entropy_viscosity_max * diameter * max_speed,
                                          settings.entropy_viscosity_c * diameter * diameter
                                              * max_residual / variation);
        for (unsigned int i = 0; i < n; ++i)
        {
          for (unsigned int j = 0; j < n; ++j)
          {
            // Conservative Galerkin form (the test function 1 gives d/dt of the total
            // smoke = 0 exactly) plus SUPG, which vanishes for it too.
            double value
                = alpha / dt * reference.mass(i, j) + viscosity * reference.stiffness(i, j);
            for (unsigned int q = 0; q < nq; ++q)
            {
              const double ai = advect[q * n + i];
              value += (-phi[q * n + j] * ai
                        + tau[q] * ai * (alpha / dt * phi[q * n + j] + advect[q * n + j]))
                       * reference.JxW[q];
            }
            local_matrix(i, j) = value;
          }
          double value = 0;
          for (unsigned int q = 0; q < nq; ++q)
            value += history[q] * (phi[q * n + i] + tau[q] * advect[q * n + i]);
          local_rhs(i) = value;
        }
        cell->get_dof_indices(dofs);
        no_constraints.distribute_local_to_global(local_matrix, local_rhs, dofs, smoke_matrix, rhs);
      }
    smoke_matrix.compress(VectorOperation::add);
    rhs.compress(VectorOperation::add);
  }
  TimerOutput::Scope scope(timer, "solve smoke");
  VectorType guess(smoke);
  guess *= 1 + omega;
  guess.add(-omega, smoke_old);
  smoke_old = smoke;
  smoke = guess;
  PETScWrappers::PreconditionBlockJacobi preconditioner(smoke_matrix);
  solve(smoke_matrix, smoke, rhs, preconditioner, false, "smoke");
  if (settings.smoke_positivity_limiter)
    apply_positivity_limiter();
}

void Simulation::apply_positivity_limiter()
{
  // Clip negative nodal values and rescale so that the total (sum of lumped mass times
  // nodal value, the exact integral of the Q2 field) is unchanged.
  double local_before = 0, local_after = 0;
  with_local_array(smoke,
                   [&](double *s, std::size_t size)
                   {
                     with_local_array(lumped_mass_v,
                                      [&](double *w, std::size_t)
                                      {
                                        for (std::size_t i = 0; i < size; ++i)
                                        {
                                          local_before += w[i] * s[i];
                                          s[i] = std::max(s[i], 0.0);
                                          local_after += w[i] * s[i];
                                        }
                                      });
                   });
  const double before = Utilities::MPI::sum(local_before, communicator);
  const double after = Utilities::MPI::sum(local_after, communicator);
  if (after > before && after > 0)
  {
    smoke *= before / after;
    limiter_moved_mass += (after - before) / after;
  }
}

void Simulation::step(const double time, const double dt, const double omega)
{
  assemble_and_solve_momentum(time, dt, omega);
  solve_pressure(dt, omega);
  update_velocity_and_pressure(dt, omega);
  assemble_and_solve_smoke(dt, omega);
  update_ghosts();
}

void Simulation::setup_output_points()
{
  const unsigned int nx = settings.output_nx, ny = settings.output_ny;
  const double L = settings.domain_length;
  const double dx = L / nx, dy = L / ny;
  for (const auto &cell : dof_v.active_cell_iterators())
    if (cell->is_locally_owned())
    {
      const Point<2> lower = cell->vertex(0), upper = cell->vertex(3);
      std::vector<OutputPoint> points;
      for (unsigned int ix = 0; ix < nx; ++ix)
      {
        const double x = (ix + 0.5) * dx;
        if (!(x >= lower[0] && (x < upper[0] || upper[0] >= L)))
          continue;
        for (unsigned int iy = 0; iy < ny; ++iy)
        {
          const double y = (iy + 0.5) * dy;
          if (!(y >= lower[1] && (y < upper[1] || upper[1] >= L)))
            continue;
          const Point<2> unit((x - lower[0]) / (upper[0] - lower[0]),
                              (y - lower[1]) / (upper[1] - lower[1]));
          OutputPoint point;
          point.index = static_cast<std::size_t>(ix) * ny + iy;
          for (unsigned int i = 0; i < fe_v.n_dofs_per_cell(); ++i)
            point.shape_v.push_back(fe_v.shape_value(i, unit));
          for (unsigned int i = 0; i < fe_p.n_dofs_per_cell(); ++i)
            point.shape_p.push_back(fe_p.shape_value(i, unit));
          points.push_back(std::move(point));
        }
      }
      if (!points.empty())
      {
        output_cells.push_back(cell);
        output_points.push_back(std::move(points));
      }
    }
}

void Simulation::write_frame(Trajectory &trajectory, const std::size_t frame)
{
  TimerOutput::Scope scope(timer, "output");
  for (unsigned int d = 0; d < 2; ++d)
    ghost_velocity[d] = velocity[d];
  ghost_smoke = smoke;
  ghost_pressure = pressure;

  // Mean-free pressure: the scheme fixes p only up to a constant.
  double local_mean = 0;
  {
    const QGauss<2> quadrature(2);
    FEValues<2> fe_values(fe_p, quadrature, update_values | update_JxW_values);
    std::vector<double> p(quadrature.size());
    for (const auto &cell : dof_p.active_cell_iterators())
      if (cell->is_locally_owned())
      {
        fe_values.reinit(cell);
        fe_values.get_function_values(ghost_pressure, p);
        for (unsigned int q = 0; q < quadrature.size(); ++q)
          local_mean += p[q] * fe_values.JxW(q);
      }
  }
  const double mean = Utilities::MPI::sum(local_mean, communicator)
                      / (settings.domain_length * settings.domain_length);

  const std::size_t per_frame = trajectory.values_per_frame();
  std::vector<double> values(4 * per_frame, 0.0);
  std::vector<types::global_dof_index> dofs_v(fe_v.n_dofs_per_cell()),
      dofs_p(fe_p.n_dofs_per_cell());
  std::array<const VectorType *, 3> q2_fields{ &ghost_smoke, &ghost_velocity[0],
                                               &ghost_velocity[1] };
  std::vector<double> local_values(fe_v.n_dofs_per_cell());
  std::vector<double> local_p(fe_p.n_dofs_per_cell());
  for (std::size_t c = 0; c < output_cells.size(); ++c)
  {
    const auto &cell = output_cells[c];
    cell->get_dof_indices(dofs_v);
    const typename DoFHandler<2>::active_cell_iterator cell_p(&triangulation, cell->level(),
                                                              cell->index(), &dof_p);
    cell_p->get_dof_indices(dofs_p);
    for (unsigned int i = 0; i < dofs_p.size(); ++i)
      local_p[i] = ghost_pressure(dofs_p[i]);
    for (unsigned int f = 0; f < 3; ++f)
    {
      for (unsigned int i = 0; i < dofs_v.size(); ++i)
        local_values[i] = (*q2_fields[f])(dofs_v[i]);
      for (const OutputPoint &point : output_points[c])
      {
        double v = 0;
        for (unsigned int i = 0; i < dofs_v.size(); ++i)
          v += local_values[i] * point.shape_v[i];
        values[f * per_frame + point.index] = v;
      }
    }
    for (const OutputPoint &point : output_points[c])
    {
      double v = 0;
      for (unsigned int i = 0; i < dofs_p.size(); ++i)
        v += local_p[i] * point.shape_p[i];
      values[3 * per_frame + point.index] = v - mean;
    }
  }
  // Each output point lies in exactly one locally owned cell of exactly one rank.
  MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM,
                communicator);
  for (unsigned int f = 0; f < 4; ++f)
    std::copy(values.begin() + f * per_frame, values.begin() + (f + 1) * per_frame,
              trajectory.fields[f].begin() + frame * per_frame);
}

NavierStokesSolver::FrameDiagnostics Simulation::compute_diagnostics(const double time)
{
  TimerOutput::Scope scope(timer, "output");
  NavierStokesSolver::FrameDiagnostics result;
  result.time = time;
  const QGauss<2> quadrature(4);
  FEValues<2> fe_values(fe_v, quadrature,
                        update_values | update_gradients | update_quadrature_points
                            | update_JxW_values);
  FEValues<2> fe_values_p(fe_p, quadrature, update_values);
  const unsigned int nq = quadrature.size();
  std::vector<double> s(nq), p(nq);
  std::array<std::vector<double>, 2> u{ std::vector<double>(nq), std::vector<double>(nq) };
  std::array<std::vector<Tensor<1, 2>>, 2> grad_u{ std::vector<Tensor<1, 2>>(nq),
                                                   std::vector<Tensor<1, 2>>(nq) };
  // total smoke, div^2, grad^2, energy, velocity error^2, (p - pe)^2, (p - pe)
  std::array<double, 7> sums{};
  for (const auto &cell : dof_v.active_cell_iterators())
    if (cell->is_locally_owned())
    {
      fe_values.reinit(cell);
      const typename DoFHandler<2>::active_cell_iterator cell_p(&triangulation, cell->level(),
                                                                cell->index(), &dof_p);
      fe_values_p.reinit(cell_p);
      fe_values.get_function_values(ghost_smoke, s);
      fe_values_p.get_function_values(ghost_pressure, p);
      for (unsigned int d = 0; d < 2; ++d)
      {
        fe_values.get_function_values(ghost_velocity[d], u[d]);
        fe_values.get_function_gradients(ghost_velocity[d], grad_u[d]);
      }
      for (unsigned int q = 0; q < nq; ++q)
      {
        const double JxW = fe_values.JxW(q);
        const Point<2> &x = fe_values.quadrature_point(q);
        sums[0] += s[q] * JxW;
        sums[1] += std::pow(grad_u[0][q][0] + grad_u[1][q][1], 2) * JxW;
        sums[2] += (grad_u[0][q].norm_square() + grad_u[1][q].norm_square()) * JxW;
        sums[3] += 0.5 * (u[0][q] * u[0][q] + u[1][q] * u[1][q]) * JxW;
        if (hooks.exact_velocity)
        {
          const auto ue = hooks.exact_velocity(x[0], x[1], time);
          sums[4] += (std::pow(u[0][q] - ue[0], 2) + std::pow(u[1][q] - ue[1], 2)) * JxW;
        }
        if (hooks.exact_pressure)
        {
          const double e = p[q] - hooks.exact_pressure(x[0], x[1], time);
          sums[5] += e * e * JxW;
          sums[6] += e * JxW;
        }
      }
    }
  {
    // Discrete divergence: b_i = (div v, q_i), P div v = M_p^{-1} b, ||P div v||^2 = b . M_p^{-1}
    // b.
    VectorType rhs(owned_p, communicator), projected(owned_p, communicator);
    for_each_cell_divergence_moments(
        [&](const Vector<double> &local, const std::vector<types::global_dof_index> &dofs) {
          rhs.add(dofs, local);
        });
    rhs.compress(VectorOperation::add);
    solve(pressure_mass_matrix, projected, rhs, pressure_mass_preconditioner, true, "diagnostics");
    result.discrete_divergence_l2 = std::sqrt(std::max(0.0, projected * rhs));
  }
  Utilities::MPI::sum(ArrayView<const double>(sums.data(), sums.size()), communicator,
                      ArrayView<double>(sums.data(), sums.size()));
  const double area = settings.domain_length * settings.domain_length;
  result.total_smoke = sums[0];
  result.divergence_l2 = std::sqrt(sums[1]);
  result.velocity_gradient_l2 = std::sqrt(sums[2]);
  result.kinetic_energy = sums[3];
  if (hooks.exact_velocity)
    result.velocity_error_l2 = std::sqrt(sums[4]);
  if (hooks.exact_pressure)
    result.pressure_error_l2 = std::sqrt(std::max(0.0, sums[5] - sums[6] * sums[6] / area));
  Vec v = static_cast<const Vec &>(smoke);
  VecMin(v, nullptr, &result.min_smoke);
  VecMax(v, nullptr, &result.max_smoke);
  return result;
}

void Simulation::write_vtu(const std::size_t frame, const std::uint64_t seed)
{
  TimerOutput::Scope scope(timer, "output");
  const std::string &directory = settings.vtu_output_directory;
  if (Utilities::MPI::this_mpi_process(communicator) == 0)
    std::filesystem::create_directories(directory);
  MPI_Barrier(communicator);
  DataOut<2> data_out;
  data_out.attach_triangulation(triangulation);
  data_out.add_data_vector(dof_v, ghost_smoke, "smoke");
  data_out.add_data_vector(dof_v, ghost_velocity[0], "vx");
  data_out.add_data_vector(dof_v, ghost_velocity[1], "vy");
  data_out.add_data_vector(dof_p, ghost_pressure, "p");
  data_out.build_patches(2);
  data_out.write_vtu_with_pvtu_record(directory + "/", "navier_stokes_seed" + std::to_string(seed),
                                      static_cast<unsigned int>(frame), communicator, 4);
}

void Simulation::run(Trajectory &trajectory, NavierStokesSolver::Diagnostics *diagnostics,
                     const std::uint64_t seed)
{
  set_initial_values();
  if (diagnostics)
  {
    diagnostics->initial_total_smoke = compute_diagnostics(0.0).total_smoke;
    diagnostics->n_velocity_dofs = dof_v.n_dofs();
    diagnostics->n_pressure_dofs = dof_p.n_dofs();
  }

  // Targets: warm-up checkpoints every saved time step up to the first saved time, then
  // the saved times; the time step lands exactly on each.
  std::vector<std::pair<double, long>> targets;
  const double first = settings.first_saved_time, step_save = settings.saved_time_step;
  for (double t = step_save; t < first - 1e-9 * step_save; t += step_save)
    targets.emplace_back(t, -1);
  for (unsigned int k = 0; k < settings.n_saved_frames; ++k)
    targets.emplace_back(first + k * step_save, k);

  double time = 0, dt_old = 0;
  unsigned int n_steps = 0;
  for (const auto &[target, frame] : targets)
  {
    while (time < target - 1e-9 * step_save)
    {
      const double dt = choose_time_step(target - time);
      const double omega = dt_old > 0 ? dt / dt_old : 0.0;
      step(time, dt, omega);
      const bool last = std::abs(time + dt - target) < 1e-9 * step_save;
      time = last ? target : time + dt;
      dt_old = dt;
      ++n_steps;
      AssertThrow(std::isfinite(velocity[0].l2_norm()) && std::isfinite(smoke.l2_norm()),
                  ExcMessage("Navier-Stokes: the solution became non-finite at t = "
                             + std::to_string(time)));
    }
    if (frame >= 0)
    {
      write_frame(trajectory, static_cast<std::size_t>(frame));
      if (diagnostics)
        diagnostics->frames.push_back(compute_diagnostics(time));
      if (!settings.vtu_output_directory.empty())
        write_vtu(static_cast<std::size_t>(frame), seed);
    }
  }
  if (diagnostics)
  {
    diagnostics->n_time_steps = n_steps;
    for (const auto &[name, data] : iterations)
      diagnostics->average_iterations[name]
          = data.second > 0 ? data.first / static_cast<double>(data.second) : 0.0;
    diagnostics->wall_times = timer.get_summary_data(TimerOutput::total_wall_time);
    diagnostics->limiter_mass_fraction = limiter_moved_mass;
  }
}
} // namespace

ParameterDeclarations NavierStokesSolver::declare_parameters()
{
  using P = ParameterPattern;
  return {
    { "Domain length", "32", P::real(1e-6), "Side L of the box [0, L]^2." },
    { "Viscosity", "0.01", P::real(0), "Kinematic viscosity nu." },
    { "Buoyancy minimum", "0.2", P::real(), "beta ~ U[minimum, maximum] per trajectory." },
    { "Buoyancy maximum", "0.5", P::real(), "beta ~ U[minimum, maximum] per trajectory." },
    { "Cells per direction", "64", P::integer(2, 4096),
      "Q2 cells per side of the Cartesian mesh (a power of two refines one cell globally)." },
    { "Output points x", "128", P::integer(1, 100000),
      "Output grid points in x, at cell centres x_i = (i + 1/2) L / nx." },
    { "Output points y", "128", P::integer(1, 100000),
      "Output grid points in y, at cell centres y_j = (j + 1/2) L / ny." },
    { "First saved time", "18", P::real(0), "Time of the first stored frame (warm-up before)." },
    { "Saved time step", "1.5", P::real(1e-12), "Time between stored frames." },
    { "Number of saved frames", "56", P::integer(1, 100000), "Frames stored per trajectory." },
    { "CFL number", "0.5", P::real(1e-6, 10),
      "Time step = CFL * (Q2 node spacing) / max |v|, capped by the maximum time step." },
    { "Maximum time step", "0.25", P::real(1e-12), "Upper bound of the time step." },
    { "Smoke correlation length", "2", P::real(1e-6),
      "Standard deviation of the Gaussian filter of the initial smoke noise." },
    { "Noise grid points", "128", P::integer(4, 100000),
      "Points per side of the white-noise grid behind the initial smoke." },
    { "Linear solver tolerance", "1e-8", P::real(1e-16, 1),
      "Relative residual tolerance of every Krylov solve." },
    { "Grad-div stabilisation", "0.1", P::real(0),
      "gamma of the sparse grad-div term gamma (d_x u_x, d_x phi) + gamma (d_y u_y, d_y phi) in "
      "the momentum step (cross terms explicit); it keeps the pointwise divergence of the "
      "projection velocity small." },
    { "Smoke SUPG", "true", P::boolean(), "Streamline-upwind Petrov-Galerkin for the smoke." },
    { "Smoke positivity limiter", "true", P::boolean(),
      "Clip negative nodal smoke values and rescale to keep the total smoke." },
    { "Ranks per trajectory", "1", P::integer(1, 1000000),
      "MPI ranks that share the mesh of one trajectory." },
    { "VTU output directory", "", P::anything(),
      "If not empty, write each saved frame as VTU/PVTU for ParaView into this directory." },
  };
}

void NavierStokesSolver::parse_parameters(const ParameterValues &values)
{
  Settings s;
  s.domain_length = values.get_double("Domain length");
  s.viscosity = values.get_double("Viscosity");
  s.buoyancy_min = values.get_double("Buoyancy minimum");
  s.buoyancy_max = values.get_double("Buoyancy maximum");
  s.cells_per_direction = static_cast<unsigned int>(values.get_integer("Cells per direction"));
  s.output_nx = static_cast<unsigned int>(values.get_integer("Output points x"));
  s.output_ny = static_cast<unsigned int>(values.get_integer("Output points y"));
  s.first_saved_time = values.get_double("First saved time");
  s.saved_time_step = values.get_double("Saved time step");
  s.n_saved_frames = static_cast<unsigned int>(values.get_integer("Number of saved frames"));
  s.cfl_number = values.get_double("CFL number");
  s.max_time_step = values.get_double("Maximum time step");
  s.smoke_correlation_length = values.get_double("Smoke correlation length");
  s.noise_grid_points = static_cast<unsigned int>(values.get_integer("Noise grid points"));
  s.solver_tolerance = values.get_double("Linear solver tolerance");
  s.grad_div = values.get_double("Grad-div stabilisation");
  s.smoke_supg = values.get_bool("Smoke SUPG");
  s.smoke_positivity_limiter = values.get_bool("Smoke positivity limiter");
  s.ranks_per_trajectory = static_cast<unsigned int>(values.get_integer("Ranks per trajectory"));
  s.vtu_output_directory = values.get("VTU output directory");
  if (s.buoyancy_max < s.buoyancy_min)
    throw std::invalid_argument("Parameter 'Buoyancy maximum' (" + std::to_string(s.buoyancy_max)
                                + ") in section '" + values.section()
                                + "' is below 'Buoyancy minimum' (" + std::to_string(s.buoyancy_min)
                                + ")");
  settings = s;
  configuration_text = values.to_text();
}

Trajectory NavierStokesSolver::generate(const std::uint64_t seed, MPI_Comm communicator)
{
  return simulate(seed, communicator, Hooks());
}

Trajectory NavierStokesSolver::simulate(const std::uint64_t seed, MPI_Comm communicator,
                                        const Hooks &hooks, Diagnostics *diagnostics) const
{
  // Everything random comes from the seed alone, drawn identically on every rank.
  std::mt19937_64 rng(seed);
  const double beta_draw
      = settings.buoyancy_min + (settings.buoyancy_max - settings.buoyancy_min) * uniform01(rng);
  const double beta = hooks.buoyancy ? *hooks.buoyancy : beta_draw;
  std::function<double(double, double)> initial_smoke = hooks.initial_smoke;
  if (!initial_smoke)
  {
    auto field = std::make_shared<RandomSmoke>(
        rng, settings.noise_grid_points, settings.domain_length, settings.smoke_correlation_length);
    initial_smoke = [field](double x, double y) { return (*field)(x, y); };
  }

  Trajectory trajectory;
  trajectory.pde = "navier_stokes";
  trajectory.spatial_dimension = 2;
  trajectory.allocate(settings.n_saved_frames, settings.output_nx, settings.output_ny,
                      { "u", "vx", "vy", "p" });
  const double L = settings.domain_length;
  trajectory.dx = L / settings.output_nx;
  trajectory.dy = L / settings.output_ny;
  trajectory.dt = settings.saved_time_step;
  trajectory.length_x = L;
  trajectory.length_y = L;
  for (unsigned int i = 0; i < settings.output_nx; ++i)
    trajectory.x.push_back((i + 0.5) * trajectory.dx);
  for (unsigned int j = 0; j < settings.output_ny; ++j)
    trajectory.y.push_back((j + 0.5) * trajectory.dy);
  for (unsigned int k = 0; k < settings.n_saved_frames; ++k)
    trajectory.t.push_back(settings.first_saved_time + k * settings.saved_time_step);
  trajectory.final_time = trajectory.t.back();
  trajectory.coefficients["beta"] = beta;
  trajectory.initial_condition["smoke_correlation_length"] = { settings.smoke_correlation_length };
  trajectory.seed = seed;
  trajectory.generator_configuration = configuration_text;

  try
  {
    Simulation simulation(settings, hooks, communicator, beta, initial_smoke);
    simulation.run(trajectory, diagnostics, seed);
  }
  catch (const dealii::ExceptionBase &error)
  {
    // The checks that throw here (non-finite velocity, collapsing time step) use global
    // reductions, so every rank of the communicator throws together.
    throw std::runtime_error("Navier-Stokes, seed " + std::to_string(seed) + ": " + error.what());
  }
  if (!trajectory.all_finite())
    throw std::runtime_error("Navier-Stokes: non-finite values in the trajectory of seed "
                             + std::to_string(seed));
  return trajectory;
}
} // namespace sslpde::solvers

SSLPDE_REGISTER_PLUGIN(sslpde::solvers::PDESolver, sslpde::solvers::NavierStokesSolver,
                       "navier_stokes",
                       "2D incompressible Navier-Stokes with buoyant smoke in a closed box "
                       "(PDEArena conditioned smoke), Q2-Q1 projection scheme on a distributed "
                       "mesh with PETSc.")
