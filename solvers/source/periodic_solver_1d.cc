// The deal.II finite-element discretisation and PETSc TS time integration of the periodic 1D
// equations. See doc/solvers.md for the formulation and why it is fast: on a uniform mesh every
// cell has the same reference tables, so residuals and Jacobians are short loops over cells that
// write straight into PETSc's CSR arrays, and each Jacobian is factorised once per step (banded
// LU).
#include <sslpde/solvers/periodic_solver_1d.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/tria.h>
#include <deal.II/lac/affine_constraints.h>

#include <petscts.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

namespace sslpde::solvers
{
namespace
{
void check_petsc(const PetscErrorCode code, const char *call)
{
  if (code == 0)
    return;
  const char *text = nullptr;
  PetscErrorMessage(code, &text, nullptr);
  throw std::runtime_error(std::string("PETSc call '") + call
                           + "' failed: " + (text ? text : "unknown error"));
}
#define SSLPDE_PETSC(call) check_petsc((call), #call)

const char *equation_name(const Equation1D equation)
{
  switch (equation)
  {
  case Equation1D::burgers:
    return "Burgers";
  case Equation1D::kdv:
    return "KdV";
  default:
    return "Kuramoto-Sivashinsky";
  }
}
} // namespace

struct PeriodicSolver1D::Implementation
{
  PeriodicSolver1DSettings settings;
  unsigned int n_fields = 1; // u, or (u, w = u_xx) interleaved
  unsigned int k = 1;        // element degree
  unsigned int n_cells = 1;
  double h = 1;
  unsigned int n_scalar = 0; // independent scalar dofs (periodic constraint eliminated)
  unsigned int n = 0;        // unknowns: n_fields * n_scalar

  std::vector<unsigned int> cell_dofs; // [cell][k+1] scalar indices
  std::vector<double> cell_left;

  // Reference tables at the Gauss points of one cell (the same on every cell of the mesh).
  unsigned int nq = 0;
  std::vector<double> phi;    // [q][i]
  std::vector<double> dphi_w; // [q][i]: phi_i'(x_q) JxW_q
  std::vector<double> phi_w;  // [q][i]: phi_i(x_q) JxW_q
  std::vector<double> x_ref;  // x_q - left end of the cell
  std::vector<double> jxw, dphi;
  // Finer tables for errors.
  unsigned int nq_fine = 0;
  std::vector<double> phi_fine, w_fine, x_fine;
  std::vector<double> dof_integrals; // integral of each scalar basis function

  // CSR pattern of the full system and the values of its constant parts.
  std::vector<PetscInt> row_ptr, cols;
  std::vector<double> mass_values, linear_values;
  std::vector<unsigned int> uu_positions; // [cell][i][j]: entry (u_i, u_j)
  // CSR of the scalar mass matrix (projection of initial data).
  std::vector<PetscInt> scalar_row_ptr, scalar_cols;
  std::vector<double> scalar_mass_values, scalar_stiffness_values;

  std::function<double(double, double)> source;

  std::vector<unsigned int> output_cells;
  std::vector<double> output_weights; // [point][k+1]

  Vec solution = nullptr;
  Mat jacobian = nullptr;
  TS ts = nullptr;
  PetscOptions options = nullptr;
  double time = 0;
  SolverStatistics counters;

  explicit Implementation(const PeriodicSolver1DSettings &s);
  ~Implementation();

  unsigned int position(const unsigned int row, const unsigned int col) const
  {
    const auto begin = cols.begin() + row_ptr[row], end = cols.begin() + row_ptr[row + 1];
    const auto found = std::lower_bound(begin, end, static_cast<PetscInt>(col));
    if (found == end || *found != static_cast<PetscInt>(col))
      throw std::logic_error("PeriodicSolver1D: entry outside the sparsity pattern");
    return static_cast<unsigned int>(found - cols.begin());
  }

  void residual(double t, const double *u, const double *udot, double *f);
  void assemble_jacobian(const double *u, double shift, double *values);
  /// Values of the u component of the interleaved state at the Gauss points of cell c.
  void u_at_quadrature_points(const double *u, unsigned int c, double *u_q) const;
  void create_time_stepper();

  static PetscErrorCode ifunction(TS, PetscReal t, Vec U, Vec Udot, Vec F, void *context)
  {
    auto &impl = *static_cast<Implementation *>(context);
    const PetscScalar *u, *udot;
    PetscScalar *f;
    PetscCall(VecGetArrayRead(U, &u));
    PetscCall(VecGetArrayRead(Udot, &udot));
    PetscCall(VecGetArray(F, &f));
    PetscErrorCode code = 0;
    try
    {
      impl.residual(t, u, udot, f);
    }
    catch (...)
    {
      code = PETSC_ERR_USER;
    }
    PetscCall(VecRestoreArray(F, &f));
    PetscCall(VecRestoreArrayRead(Udot, &udot));
    PetscCall(VecRestoreArrayRead(U, &u));
    return code;
  }

  static PetscErrorCode ijacobian(TS, PetscReal, Vec U, Vec, PetscReal shift, Mat A, Mat P,
                                  void *context)
  {
    auto &impl = *static_cast<Implementation *>(context);
    const PetscScalar *u;
    PetscScalar *values;
    PetscCall(VecGetArrayRead(U, &u));
    PetscCall(MatSeqAIJGetArray(P, &values));
    impl.assemble_jacobian(u, shift, values);
    PetscCall(MatSeqAIJRestoreArray(P, &values));
    PetscCall(VecRestoreArrayRead(U, &u));
    PetscCall(MatAssemblyBegin(P, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(P, MAT_FINAL_ASSEMBLY));
    if (A != P)
    {
      PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
      PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
    }
    return 0;
  }
};

PeriodicSolver1D::Implementation::Implementation(const PeriodicSolver1DSettings &s) : settings(s)
{
  using namespace dealii;
  if (s.degree < 1 || s.degree > 6)
    throw std::invalid_argument("PeriodicSolver1D: element degree must be in 1..6, got "
                                + std::to_string(s.degree));
  if (s.n_cells < 3)
    throw std::invalid_argument("PeriodicSolver1D: need at least 3 cells, got "
                                + std::to_string(s.n_cells));
  if (!(s.length > 0))
    throw std::invalid_argument("PeriodicSolver1D: domain length must be positive");
  PetscBool petsc_ready = PETSC_FALSE;
  PetscInitialized(&petsc_ready);
  if (!petsc_ready)
    throw std::runtime_error("PeriodicSolver1D: PETSc is not initialised (create a "
                             "dealii::Utilities::MPI::MPI_InitFinalize first, as the sslpde "
                             "driver does)");
  n_fields = s.equation == Equation1D::burgers ? 1 : 2;
  k = s.degree;
  n_cells = s.n_cells;
  h = s.length / n_cells;

  // Periodic mesh and the constraint that identifies the dof at x = L with the one at x = 0.
  Triangulation<1> triangulation;
  GridGenerator::subdivided_hyper_cube(triangulation, n_cells, 0.0, s.length, true);
  std::vector<GridTools::PeriodicFacePair<Triangulation<1>::cell_iterator>> periodic_faces;
  GridTools::collect_periodic_faces(triangulation, 0, 1, 0, periodic_faces);
  const FE_Q<1> fe(k);
  DoFHandler<1> dof_handler(triangulation);
  dof_handler.distribute_dofs(fe);
  std::vector<GridTools::PeriodicFacePair<DoFHandler<1>::cell_iterator>> dof_periodic_faces;
  GridTools::collect_periodic_faces(dof_handler, 0, 1, 0, dof_periodic_faces);
  AffineConstraints<double> constraints;
  DoFTools::make_periodicity_constraints<1, 1, double>(dof_periodic_faces, constraints);
  constraints.close();
  if (periodic_faces.size() != 1 || constraints.n_constraints() != 1)
    throw std::logic_error("PeriodicSolver1D: expected exactly one periodic constraint");

  // Independent numbering: a constrained dof takes the index of the dof it equals.
  const unsigned int n_dofs = dof_handler.n_dofs();
  std::vector<int> reduced(n_dofs, -1);
  unsigned int counter = 0;
  for (unsigned int i = 0; i < n_dofs; ++i)
    if (!constraints.is_constrained(i))
      reduced[i] = counter++;
  for (unsigned int i = 0; i < n_dofs; ++i)
    if (constraints.is_constrained(i))
    {
      const auto *entries = constraints.get_constraint_entries(i);
      if (entries == nullptr || entries->size() != 1
          || std::abs((*entries)[0].second - 1.0) > 1e-12)
        throw std::logic_error("PeriodicSolver1D: unexpected periodicity constraint");
      reduced[i] = reduced[(*entries)[0].first];
    }
  n_scalar = counter;
  n = n_fields * n_scalar;

  const QGauss<1> quadrature(k + 2);
  nq = quadrature.size();
  FEValues<1> fe_values(fe, quadrature,
                        update_values | update_gradients | update_JxW_values
                            | update_quadrature_points);
  const unsigned int dpc = fe.n_dofs_per_cell();
  std::vector<types::global_dof_index> local(dpc);
  std::vector<std::pair<double, unsigned int>> order; // cells sorted by position
  std::vector<std::vector<unsigned int>> dofs_of_cell;
  for (const auto &cell : dof_handler.active_cell_iterators())
  {
    cell->get_dof_indices(local);
    std::vector<unsigned int> r(dpc);
    for (unsigned int i = 0; i < dpc; ++i)
      r[i] = reduced[local[i]];
    order.emplace_back(cell->vertex(0)[0], dofs_of_cell.size());
    dofs_of_cell.push_back(r);
    if (dofs_of_cell.size() == 1)
    {
      fe_values.reinit(cell);
      phi.resize(nq * dpc);
      dphi_w.resize(nq * dpc);
      phi_w.resize(nq * dpc);
      x_ref.resize(nq);
      jxw.resize(nq);
      dphi.resize(nq * dpc);
      for (unsigned int q = 0; q < nq; ++q)
      {
        x_ref[q] = fe_values.quadrature_point(q)[0] - cell->vertex(0)[0];
        jxw[q] = fe_values.JxW(q);
        for (unsigned int i = 0; i < dpc; ++i)
        {
          phi[q * dpc + i] = fe_values.shape_value(i, q);
          phi_w[q * dpc + i] = fe_values.shape_value(i, q) * fe_values.JxW(q);
          dphi[q * dpc + i] = fe_values.shape_grad(i, q)[0];
          dphi_w[q * dpc + i] = fe_values.shape_grad(i, q)[0] * fe_values.JxW(q);
        }
      }
    }
  }
  std::sort(order.begin(), order.end());
  for (const auto &[left, index] : order)
  {
    cell_left.push_back(left);
    cell_dofs.insert(cell_dofs.end(), dofs_of_cell[index].begin(), dofs_of_cell[index].end());
  }

  // Fine tables for errors: exact FE evaluation at many Gauss points.
  const QGauss<1> fine(k + 4);
  nq_fine = fine.size();
  for (unsigned int q = 0; q < nq_fine; ++q)
  {
    x_fine.push_back(fine.point(q)[0] * h);
    w_fine.push_back(fine.weight(q) * h);
    for (unsigned int i = 0; i < dpc; ++i)
      phi_fine.push_back(fe.shape_value(i, fine.point(q)));
  }

  // Sparsity: scalar neighbours, then the full interleaved pattern.
  std::vector<std::set<unsigned int>> neighbours(n_scalar);
  for (unsigned int c = 0; c < n_cells; ++c)
    for (unsigned int i = 0; i < dpc; ++i)
      for (unsigned int j = 0; j < dpc; ++j)
        neighbours[cell_dofs[c * dpc + i]].insert(cell_dofs[c * dpc + j]);
  scalar_row_ptr.push_back(0);
  for (unsigned int r = 0; r < n_scalar; ++r)
  {
    for (const unsigned int s2 : neighbours[r])
      scalar_cols.push_back(s2);
    scalar_row_ptr.push_back(scalar_cols.size());
  }
  row_ptr.push_back(0);
  for (unsigned int r = 0; r < n_scalar; ++r)
    for (unsigned int a = 0; a < n_fields; ++a)
    {
      for (const unsigned int s2 : neighbours[r])
        for (unsigned int b = 0; b < n_fields; ++b)
          cols.push_back(s2 * n_fields + b);
      row_ptr.push_back(cols.size());
    }
  mass_values.assign(cols.size(), 0.0);
  linear_values.assign(cols.size(), 0.0);
  scalar_mass_values.assign(scalar_cols.size(), 0.0);
  scalar_stiffness_values.assign(scalar_cols.size(), 0.0);
  dof_integrals.assign(n_scalar, 0.0);

  // Constant matrices, cell by cell.
  const auto scalar_position = [&](unsigned int r, unsigned int c2)
  {
    const auto begin = scalar_cols.begin() + scalar_row_ptr[r],
               end = scalar_cols.begin() + scalar_row_ptr[r + 1];
    return static_cast<unsigned int>(std::lower_bound(begin, end, static_cast<PetscInt>(c2))
                                     - scalar_cols.begin());
  };
  const unsigned int U = 0, W = 1;
  const auto field = [&](unsigned int r, unsigned int a) { return r * n_fields + a; };
  uu_positions.resize(n_cells * dpc * dpc);
  for (unsigned int c = 0; c < n_cells; ++c)
    for (unsigned int i = 0; i < dpc; ++i)
    {
      const unsigned int ri = cell_dofs[c * dpc + i];
      for (unsigned int q = 0; q < nq; ++q)
        dof_integrals[ri] += phi_w[q * dpc + i];
      for (unsigned int j = 0; j < dpc; ++j)
      {
        const unsigned int rj = cell_dofs[c * dpc + j];
        double m = 0, kk = 0, d = 0; // (phi_j, phi_i), (phi_j', phi_i'), (phi_j', phi_i)
        for (unsigned int q = 0; q < nq; ++q)
        {
          m += phi[q * dpc + i] * phi[q * dpc + j] * jxw[q];
          kk += dphi[q * dpc + i] * dphi[q * dpc + j] * jxw[q];
          d += phi[q * dpc + i] * dphi[q * dpc + j] * jxw[q];
        }
        uu_positions[(c * dpc + i) * dpc + j] = position(field(ri, U), field(rj, U));
        scalar_mass_values[scalar_position(ri, rj)] += m;
        scalar_stiffness_values[scalar_position(ri, rj)] += kk;
        mass_values[position(field(ri, U), field(rj, U))] += m;
        switch (s.equation)
        {
        case Equation1D::burgers: // nu (u_x, v_x)
          linear_values[position(field(ri, U), field(rj, U))] += s.viscosity * kk;
          break;
        case Equation1D::kdv: // (w_x, v); (w, q) + (u_x, q_x)
          linear_values[position(field(ri, U), field(rj, W))] += d;
          linear_values[position(field(ri, W), field(rj, U))] += kk;
          linear_values[position(field(ri, W), field(rj, W))] += m;
          break;
        case Equation1D::ks: // (w, v) - (w_x, v_x); (w, q) + (u_x, q_x)
          linear_values[position(field(ri, U), field(rj, W))] += m - kk;
          linear_values[position(field(ri, W), field(rj, U))] += kk;
          linear_values[position(field(ri, W), field(rj, W))] += m;
          break;
        }
      }
    }

  SSLPDE_PETSC(VecCreateSeq(PETSC_COMM_SELF, n, &solution));
  SSLPDE_PETSC(VecSet(solution, 0.0));
  std::vector<double> zeros(cols.size(), 0.0);
  SSLPDE_PETSC(MatCreateSeqAIJ(PETSC_COMM_SELF, n, n, 0, nullptr, &jacobian));
  SSLPDE_PETSC(MatSeqAIJSetPreallocationCSR(jacobian, row_ptr.data(), cols.data(), zeros.data()));
  SSLPDE_PETSC(MatSetOption(jacobian, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  create_time_stepper();
}

PeriodicSolver1D::Implementation::~Implementation()
{
  if (ts)
    TSDestroy(&ts);
  if (jacobian)
    MatDestroy(&jacobian);
  if (solution)
    VecDestroy(&solution);
  if (options)
    PetscOptionsDestroy(&options);
}

void PeriodicSolver1D::Implementation::create_time_stepper()
{
  SSLPDE_PETSC(TSCreate(PETSC_COMM_SELF, &ts));
  // A private options database: options of one solver never leak into another.
  SSLPDE_PETSC(PetscOptionsCreate(&options));
  SSLPDE_PETSC(PetscOptionsInsertString(options, settings.petsc_options.c_str()));
  SSLPDE_PETSC(PetscObjectSetOptions(reinterpret_cast<PetscObject>(ts), options));
  SSLPDE_PETSC(TSSetProblemType(ts, TS_NONLINEAR));
  SSLPDE_PETSC(TSSetEquationType(ts, n_fields == 1 ? TS_EQ_IMPLICIT : TS_EQ_DAE_IMPLICIT_INDEX1));
  SSLPDE_PETSC(TSSetType(ts, TSROSW));
  SSLPDE_PETSC(TSRosWSetType(ts, TSROSWRA34PW2));
  SSLPDE_PETSC(TSSetIFunction(ts, nullptr, ifunction, this));
  SSLPDE_PETSC(TSSetIJacobian(ts, jacobian, jacobian, ijacobian, this));
  SSLPDE_PETSC(TSSetTime(ts, 0.0));
  SSLPDE_PETSC(TSSetTimeStep(ts, settings.initial_time_step));
  SSLPDE_PETSC(TSSetMaxSteps(
      ts, static_cast<PetscInt>(std::min<unsigned long>(settings.maximum_steps, 2000000000))));
  SSLPDE_PETSC(TSSetMaxTime(ts, 0.0));
  SSLPDE_PETSC(TSSetExactFinalTime(ts, TS_EXACTFINALTIME_MATCHSTEP));
  SSLPDE_PETSC(TSSetErrorIfStepFails(ts, PETSC_FALSE));
  SSLPDE_PETSC(TSSetMaxStepRejections(ts, 100));
  SSLPDE_PETSC(TSSetMaxSNESFailures(ts, -1));
  // Error control on u only: w = u_xx is algebraic and follows from u.
  Vec atol, rtol;
  SSLPDE_PETSC(VecDuplicate(solution, &atol));
  SSLPDE_PETSC(VecDuplicate(solution, &rtol));
  PetscScalar *a, *r;
  SSLPDE_PETSC(VecGetArray(atol, &a));
  SSLPDE_PETSC(VecGetArray(rtol, &r));
  for (unsigned int i = 0; i < n; ++i)
  {
    const bool is_u = i % n_fields == 0;
    a[i] = is_u ? settings.absolute_tolerance : 1e100;
    r[i] = is_u ? settings.relative_tolerance : 0.0;
  }
  SSLPDE_PETSC(VecRestoreArray(atol, &a));
  SSLPDE_PETSC(VecRestoreArray(rtol, &r));
  SSLPDE_PETSC(
      TSSetTolerances(ts, settings.absolute_tolerance, atol, settings.relative_tolerance, rtol));
  SSLPDE_PETSC(VecDestroy(&atol));
  SSLPDE_PETSC(VecDestroy(&rtol));
  // One banded LU per Jacobian; the Newton/Rosenbrock stages reuse it.
  SNES snes;
  KSP ksp;
  PC pc;
  SSLPDE_PETSC(TSGetSNES(ts, &snes));
  SSLPDE_PETSC(SNESGetKSP(snes, &ksp));
  SSLPDE_PETSC(KSPSetType(ksp, KSPPREONLY));
  SSLPDE_PETSC(KSPGetPC(ksp, &pc));
  SSLPDE_PETSC(PCSetType(pc, PCLU));
  SSLPDE_PETSC(TSSetFromOptions(ts));
}

void PeriodicSolver1D::Implementation::residual(const double t, const double *u, const double *udot,
                                                double *f)
{
  ++counters.residual_evaluations;
  // Constant parts: mass * udot + linear * u.
  for (unsigned int row = 0; row < n; ++row)
  {
    double sum = 0;
    for (PetscInt p = row_ptr[row]; p < row_ptr[row + 1]; ++p)
      sum += mass_values[p] * udot[cols[p]] + linear_values[p] * u[cols[p]];
    f[row] = sum;
  }
  // Convection in conservative weak form: -(u^2 / 2, v_x), exact with k + 2 Gauss points.
  const unsigned int dpc = k + 1;
  double u_q[16];
  for (unsigned int c = 0; c < n_cells; ++c)
  {
    const unsigned int *dofs = &cell_dofs[c * dpc];
    u_at_quadrature_points(u, c, u_q);
    for (unsigned int q = 0; q < nq; ++q)
      u_q[q] = 0.5 * u_q[q] * u_q[q];
    for (unsigned int i = 0; i < dpc; ++i)
    {
      double sum = 0;
      for (unsigned int q = 0; q < nq; ++q)
        sum += u_q[q] * dphi_w[q * dpc + i];
      if (source)
        for (unsigned int q = 0; q < nq; ++q)
          sum += source(cell_left[c] + x_ref[q], t) * phi_w[q * dpc + i];
      f[dofs[i] * n_fields] -= sum;
    }
  }
}

void PeriodicSolver1D::Implementation::u_at_quadrature_points(const double *u,
                                                              const unsigned int c,
                                                              double *u_q) const
{
  const unsigned int dpc = k + 1;
  const unsigned int *dofs = &cell_dofs[c * dpc];
  for (unsigned int q = 0; q < nq; ++q)
  {
    double value = 0;
    for (unsigned int i = 0; i < dpc; ++i)
      value += phi[q * dpc + i] * u[dofs[i] * n_fields];
    u_q[q] = value;
  }
}

void PeriodicSolver1D::Implementation::assemble_jacobian(const double *u, const double shift,
                                                         double *values)
{
  ++counters.jacobian_evaluations;
  for (std::size_t p = 0; p < cols.size(); ++p)
    values[p] = shift * mass_values[p] + linear_values[p];
  const unsigned int dpc = k + 1;
  double u_q[16];
  for (unsigned int c = 0; c < n_cells; ++c)
  {
    u_at_quadrature_points(u, c, u_q);
    const unsigned int *positions = &uu_positions[c * dpc * dpc];
    for (unsigned int i = 0; i < dpc; ++i)
      for (unsigned int j = 0; j < dpc; ++j)
      {
        double sum = 0;
        for (unsigned int q = 0; q < nq; ++q)
          sum += u_q[q] * phi[q * dpc + j] * dphi_w[q * dpc + i];
        values[positions[i * dpc + j]] -= sum;
      }
  }
}

PeriodicSolver1D::PeriodicSolver1D(const PeriodicSolver1DSettings &settings)
    : implementation(std::make_unique<Implementation>(settings))
{
}

PeriodicSolver1D::~PeriodicSolver1D() = default;

void PeriodicSolver1D::set_source(std::function<double(double, double)> source)
{
  implementation->source = std::move(source);
}

void PeriodicSolver1D::set_initial_condition(const std::function<double(double)> &u0,
                                             const double t0)
{
  auto &impl = *implementation;
  const unsigned int dpc = impl.k + 1, ns = impl.n_scalar;
  // L2 projection: M u = (u0, phi_i), integrated with the fine Gauss rule.
  std::vector<double> rhs(ns, 0.0);
  for (unsigned int c = 0; c < impl.n_cells; ++c)
    for (unsigned int q = 0; q < impl.nq_fine; ++q)
    {
      const double value = u0(impl.cell_left[c] + impl.x_fine[q]) * impl.w_fine[q];
      for (unsigned int i = 0; i < dpc; ++i)
        rhs[impl.cell_dofs[c * dpc + i]] += value * impl.phi_fine[q * dpc + i];
    }
  Mat mass;
  Vec b, x;
  KSP ksp;
  PC pc;
  SSLPDE_PETSC(MatCreateSeqAIJ(PETSC_COMM_SELF, ns, ns, 0, nullptr, &mass));
  SSLPDE_PETSC(MatSeqAIJSetPreallocationCSR(
      mass, impl.scalar_row_ptr.data(), impl.scalar_cols.data(), impl.scalar_mass_values.data()));
  SSLPDE_PETSC(VecCreateSeq(PETSC_COMM_SELF, ns, &b));
  SSLPDE_PETSC(VecDuplicate(b, &x));
  SSLPDE_PETSC(KSPCreate(PETSC_COMM_SELF, &ksp));
  SSLPDE_PETSC(KSPSetOperators(ksp, mass, mass));
  SSLPDE_PETSC(KSPSetType(ksp, KSPPREONLY));
  SSLPDE_PETSC(KSPGetPC(ksp, &pc));
  SSLPDE_PETSC(PCSetType(pc, PCLU));
  const auto solve = [&](const std::vector<double> &right, std::vector<double> &result)
  {
    PetscScalar *array;
    SSLPDE_PETSC(VecGetArray(b, &array));
    std::copy(right.begin(), right.end(), array);
    SSLPDE_PETSC(VecRestoreArray(b, &array));
    SSLPDE_PETSC(KSPSolve(ksp, b, x));
    const PetscScalar *out;
    SSLPDE_PETSC(VecGetArrayRead(x, &out));
    result.assign(out, out + ns);
    SSLPDE_PETSC(VecRestoreArrayRead(x, &out));
  };
  std::vector<double> u(ns), w;
  solve(rhs, u);
  if (impl.n_fields == 2)
  {
    // Consistent auxiliary field: M w = -K u.
    for (unsigned int r = 0; r < ns; ++r)
    {
      double sum = 0;
      for (PetscInt p = impl.scalar_row_ptr[r]; p < impl.scalar_row_ptr[r + 1]; ++p)
        sum -= impl.scalar_stiffness_values[p] * u[impl.scalar_cols[p]];
      rhs[r] = sum;
    }
    solve(rhs, w);
  }
  KSPDestroy(&ksp);
  VecDestroy(&x);
  VecDestroy(&b);
  MatDestroy(&mass);

  PetscScalar *y;
  SSLPDE_PETSC(VecGetArray(impl.solution, &y));
  for (unsigned int r = 0; r < ns; ++r)
  {
    y[r * impl.n_fields] = u[r];
    if (impl.n_fields == 2)
      y[r * impl.n_fields + 1] = w[r];
  }
  SSLPDE_PETSC(VecRestoreArray(impl.solution, &y));
  impl.time = t0;
  SSLPDE_PETSC(TSSetTime(impl.ts, t0));
  SSLPDE_PETSC(TSSetStepNumber(impl.ts, 0));
  SSLPDE_PETSC(TSSetTimeStep(impl.ts, impl.settings.initial_time_step));
}

void PeriodicSolver1D::run(const std::vector<double> &times,
                           const std::function<void(std::size_t)> &at_time)
{
  auto &impl = *implementation;
  const double scale = std::max(1.0, times.empty() ? 1.0 : std::abs(times.back()));
  for (std::size_t k = 0; k < times.size(); ++k)
  {
    if (times[k] < impl.time - 1e-12 * scale)
      throw std::invalid_argument("PeriodicSolver1D::run: output times must increase");
    if (times[k] > impl.time + 1e-12 * scale)
    {
      SSLPDE_PETSC(TSSetMaxTime(impl.ts, times[k]));
      SSLPDE_PETSC(TSSolve(impl.ts, impl.solution));
      TSConvergedReason reason;
      SSLPDE_PETSC(TSGetConvergedReason(impl.ts, &reason));
      PetscReal reached;
      SSLPDE_PETSC(TSGetTime(impl.ts, &reached));
      impl.time = reached;
      PetscInt steps;
      SSLPDE_PETSC(TSGetStepNumber(impl.ts, &steps));
      std::ostringstream where;
      where << equation_name(impl.settings.equation) << " solver stopped at t = " << reached
            << " of " << times[k] << " after " << steps << " steps: ";
      if (reason < 0)
        throw std::runtime_error(where.str() + "time integration failed ("
                                 + TSConvergedReasons[reason] + ")");
      if (std::abs(reached - times[k]) > 1e-9 * scale)
        throw std::runtime_error(where.str() + "step limit ("
                                 + std::to_string(impl.settings.maximum_steps) + ") reached");
    }
    const PetscScalar *y;
    SSLPDE_PETSC(VecGetArrayRead(impl.solution, &y));
    double largest = 0;
    bool finite = true;
    for (unsigned int i = 0; i < impl.n; i += impl.n_fields)
    {
      finite = finite && std::isfinite(y[i]);
      largest = std::max(largest, std::abs(y[i]));
    }
    SSLPDE_PETSC(VecRestoreArrayRead(impl.solution, &y));
    if (!finite || largest > impl.settings.divergence_threshold)
    {
      std::ostringstream message;
      message << equation_name(impl.settings.equation) << " solution "
              << (finite ? "exceeds the divergence threshold" : "is not finite")
              << " at t = " << times[k] << " (max |u| = " << largest << ")";
      throw std::runtime_error(message.str());
    }
    at_time(k);
  }
}

void PeriodicSolver1D::set_output_points(const std::vector<double> &x)
{
  auto &impl = *implementation;
  const unsigned int dpc = impl.k + 1;
  const dealii::FE_Q<1> fe(impl.k);
  impl.output_cells.clear();
  impl.output_weights.clear();
  for (const double point : x)
  {
    const double wrapped = point - impl.settings.length * std::floor(point / impl.settings.length);
    unsigned int c
        = std::min<unsigned int>(impl.n_cells - 1, static_cast<unsigned int>(wrapped / impl.h));
    const double xi = std::clamp((wrapped - impl.cell_left[c]) / impl.h, 0.0, 1.0);
    impl.output_cells.push_back(c);
    for (unsigned int i = 0; i < dpc; ++i)
      impl.output_weights.push_back(fe.shape_value(i, dealii::Point<1>(xi)));
  }
}

void PeriodicSolver1D::evaluate_at_points(double *values) const
{
  const auto &impl = *implementation;
  const unsigned int dpc = impl.k + 1;
  const PetscScalar *y;
  SSLPDE_PETSC(VecGetArrayRead(impl.solution, &y));
  for (std::size_t p = 0; p < impl.output_cells.size(); ++p)
  {
    const unsigned int *dofs = &impl.cell_dofs[impl.output_cells[p] * dpc];
    double sum = 0;
    for (unsigned int i = 0; i < dpc; ++i)
      sum += impl.output_weights[p * dpc + i] * y[dofs[i] * impl.n_fields];
    values[p] = sum;
  }
  SSLPDE_PETSC(VecRestoreArrayRead(impl.solution, &y));
}

double PeriodicSolver1D::mass() const
{
  const auto &impl = *implementation;
  const PetscScalar *y;
  SSLPDE_PETSC(VecGetArrayRead(impl.solution, &y));
  double sum = 0;
  for (unsigned int r = 0; r < impl.n_scalar; ++r)
    sum += impl.dof_integrals[r] * y[r * impl.n_fields];
  SSLPDE_PETSC(VecRestoreArrayRead(impl.solution, &y));
  return sum;
}

double PeriodicSolver1D::l2_error(const std::function<double(double)> &exact) const
{
  const auto &impl = *implementation;
  const unsigned int dpc = impl.k + 1;
  const PetscScalar *y;
  SSLPDE_PETSC(VecGetArrayRead(impl.solution, &y));
  double sum = 0;
  for (unsigned int c = 0; c < impl.n_cells; ++c)
    for (unsigned int q = 0; q < impl.nq_fine; ++q)
    {
      double value = 0;
      for (unsigned int i = 0; i < dpc; ++i)
        value += impl.phi_fine[q * dpc + i] * y[impl.cell_dofs[c * dpc + i] * impl.n_fields];
      const double e = value - exact(impl.cell_left[c] + impl.x_fine[q]);
      sum += e * e * impl.w_fine[q];
    }
  SSLPDE_PETSC(VecRestoreArrayRead(impl.solution, &y));
  return std::sqrt(sum);
}

double PeriodicSolver1D::current_time() const
{
  return implementation->time;
}

unsigned int PeriodicSolver1D::n_unknowns() const
{
  return implementation->n;
}

SolverStatistics PeriodicSolver1D::statistics() const
{
  auto &impl = *implementation;
  SolverStatistics result = impl.counters;
  PetscInt steps = 0, rejected = 0;
  TSGetStepNumber(impl.ts, &steps);
  TSGetStepRejections(impl.ts, &rejected);
  result.steps = steps;
  result.rejected_steps = rejected;
  return result;
}
} // namespace sslpde::solvers
