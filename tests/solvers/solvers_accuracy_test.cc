// Accuracy of the periodic 1D solvers: Burgers against Cole-Hopf, KdV against the soliton, KS
// against a manufactured solution, each with its observed convergence order under mesh
// refinement; mass conservation; the long-time KS energy spectrum against a refined reference;
// and the plugins' reproducibility and exact sampling.
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/solvers/periodic_solver_1d.h>
#include <sslpde/solvers/sine_series_pde.h>

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <iostream>

using namespace sslpde;
using namespace sslpde::solvers;

namespace
{
/// L2 errors at time T on successive meshes, and the observed orders between them.
struct Study
{
  std::vector<double> errors, orders;
  double worst_mass_drift = 0;
};

Study convergence(PeriodicSolver1DSettings s, const std::vector<unsigned int> &cells,
                  const std::function<double(double, double)> &exact, const double T,
                  const std::function<double(double, double)> &source = {})
{
  Study study;
  for (const unsigned int n : cells)
  {
    s.n_cells = n;
    PeriodicSolver1D solver(s);
    if (source)
      solver.set_source(source);
    solver.set_initial_condition([&](double x) { return exact(x, 0); });
    const double m0 = solver.mass();
    solver.run({ T }, [](std::size_t) {});
    study.errors.push_back(solver.l2_error([&](double x) { return exact(x, T); }));
    std::cout << "  steps " << solver.statistics().steps << std::endl;
    if (!source)
      study.worst_mass_drift = std::max(study.worst_mass_drift, std::abs(solver.mass() - m0));
  }
  for (std::size_t i = 1; i < cells.size(); ++i)
    study.orders.push_back(std::log(study.errors[i - 1] / study.errors[i])
                           / std::log(double(cells[i]) / cells[i - 1]));
  for (std::size_t i = 0; i < cells.size(); ++i)
    std::cout << "  cells " << cells[i] << ": L2 error " << study.errors[i]
              << (i ? "  order " + std::to_string(study.orders[i - 1]) : std::string())
              << std::endl;
  return study;
}
} // namespace

TEST(Solvers1D, BurgersColeHopfConvergesAtOrderKPlusOne)
{
  // psi = 1 + a exp(-nu k^2 t) cos(k x) solves the heat equation; u = -2 nu psi_x / psi.
  const double nu = 0.1, a = 0.5, kw = 1.0;
  const auto exact = [&](double x, double t)
  {
    const double e = a * std::exp(-nu * kw * kw * t);
    return 2 * nu * e * kw * std::sin(kw * x) / (1 + e * std::cos(kw * x));
  };
  for (const unsigned int degree : { 2u, 3u })
  {
    PeriodicSolver1DSettings s;
    s.equation = Equation1D::burgers;
    s.viscosity = nu;
    s.length = 2 * M_PI;
    s.degree = degree;
    s.relative_tolerance = 1e-11;
    s.absolute_tolerance = 1e-13;
    const Study study = convergence(s, { 8, 16, 32 }, exact, 1.0);
    EXPECT_GT(study.orders.back(), degree + 1 - 0.3) << "degree " << degree;
    EXPECT_LT(study.errors.back(), degree == 2 ? 5e-5 : 5e-6);
    EXPECT_LT(study.worst_mass_drift, 1e-12);
  }
}

TEST(Solvers1D, KdVSolitonConverges)
{
  // u = 3 c sech^2(sqrt(c) / 2 (x - c t - x0)): on L = 40 the periodic images overlap by e^-20.
  const double c = 0.5, L = 50, x0 = 20;
  const auto exact = [&](double x, double t)
  {
    const double s = 1.0 / std::cosh(std::sqrt(c) / 2 * (x - c * t - x0));
    return 3 * c * s * s;
  };
  PeriodicSolver1DSettings s;
  s.equation = Equation1D::kdv;
  s.length = L;
  // Tighter tolerances make the integrator resolve the discrete dispersive modes (|lambda| ~
  // h^-3) in time, at many more steps, without changing the spatial error measured here.
  s.degree = 2;
  s.relative_tolerance = 1e-6;
  s.absolute_tolerance = 1e-8;
  s.maximum_steps = 20000;
  const Study study = convergence(s, { 25, 50, 100 }, exact, 4.0);
  // Degree 2: order k + 1 = 3 expected (the mixed form of the odd derivative may lose some).
  EXPECT_GT(study.orders.back(), 2.7);
  EXPECT_LT(study.errors.back(), 5e-4);
  EXPECT_LT(study.worst_mass_drift, 1e-10);
}

TEST(Solvers1D, KuramotoSivashinskyManufacturedSolutionConverges)
{
  // u = sin(k x) cos(t) + 0.5 cos(2 k x) e^{-t/2} with the matching source term.
  const double L = 8 * M_PI, k = 2 * M_PI / L;
  const auto exact = [&](double x, double t)
  { return std::sin(k * x) * std::cos(t) + 0.5 * std::cos(2 * k * x) * std::exp(-t / 2); };
  const auto source = [&](double x, double t)
  {
    const double u = exact(x, t);
    const double ut
        = -std::sin(k * x) * std::sin(t) - 0.25 * std::cos(2 * k * x) * std::exp(-t / 2);
    const double ux
        = k * std::cos(k * x) * std::cos(t) - k * std::sin(2 * k * x) * std::exp(-t / 2);
    const double uxx = -k * k * std::sin(k * x) * std::cos(t)
                       - 2 * k * k * std::cos(2 * k * x) * std::exp(-t / 2);
    const double uxxxx = std::pow(k, 4) * std::sin(k * x) * std::cos(t)
                         + 8 * std::pow(k, 4) * std::cos(2 * k * x) * std::exp(-t / 2);
    return ut + u * ux + uxx + uxxxx;
  };
  PeriodicSolver1DSettings s;
  s.equation = Equation1D::ks;
  s.length = L;
  s.degree = 2;
  s.relative_tolerance = 1e-10;
  s.absolute_tolerance = 1e-12;
  const Study study = convergence(s, { 8, 16, 32 }, exact, 2.0, source);
  EXPECT_GT(study.orders.back(), 2.7);
  EXPECT_LT(study.errors.back(), 5e-4);
}

TEST(Solvers1D, MassIsConservedForAllThreeEquations)
{
  for (const Equation1D equation : { Equation1D::burgers, Equation1D::kdv, Equation1D::ks })
  {
    PeriodicSolver1DSettings s;
    s.equation = equation;
    s.viscosity = 0.02;
    s.length = 30;
    s.n_cells = 48;
    s.degree = 2;
    s.relative_tolerance = 1e-5;
    s.absolute_tolerance = 1e-7;
    PeriodicSolver1D solver(s);
    // Non-zero mean on purpose.
    solver.set_initial_condition(
        [](double x)
        { return 0.3 + std::sin(2 * M_PI * x / 30) + 0.5 * std::cos(4 * M_PI * x / 30 + 1); });
    const double m0 = solver.mass();
    EXPECT_NEAR(m0, 0.3 * 30, 1e-10);
    std::vector<double> drift;
    solver.run({ 2, 5, 10 }, [&](std::size_t) { drift.push_back(solver.mass() - m0); });
    for (const double d : drift)
      EXPECT_LT(std::abs(d), 1e-10) << "equation " << int(equation);
  }
}

TEST(Solvers1D, KuramotoSivashinskySpectrumMatchesRefinedReference)
{
  // Time-averaged energy spectrum |u_hat(q)|^2 over the chaotic attractor, coarse vs refined.
  const double L = 64, T0 = 40, T1 = 140;
  const std::size_t nx = 128;
  const auto spectrum = [&](unsigned int cells, unsigned int degree, double tolerance)
  {
    PeriodicSolver1DSettings s;
    s.equation = Equation1D::ks;
    s.length = L;
    s.n_cells = cells;
    s.degree = degree;
    s.relative_tolerance = tolerance;
    s.absolute_tolerance = tolerance / 100;
    PeriodicSolver1D solver(s);
    solver.set_initial_condition(
        [&](double x)
        { return 0.5 * std::sin(2 * M_PI * x / L) - 0.3 * std::cos(4 * M_PI * x / L + 0.4); });
    std::vector<double> x(nx), u(nx), energy(nx / 2, 0.0), times;
    for (std::size_t j = 0; j < nx; ++j)
      x[j] = j * L / nx;
    solver.set_output_points(x);
    for (double t = T0; t <= T1 + 1e-9; t += 1.0)
      times.push_back(t);
    solver.run(times,
               [&](std::size_t)
               {
                 if (std::abs(solver.current_time() - T1) < 1e-9)
                   std::cout << "  KS cells " << cells << ": " << solver.statistics().steps
                             << " steps" << std::endl;
                 solver.evaluate_at_points(u.data());
                 for (std::size_t q = 1; q < nx / 2; ++q)
                 {
                   std::complex<double> sum = 0;
                   for (std::size_t j = 0; j < nx; ++j)
                     sum += u[j] * std::polar(1.0, -2 * M_PI * q * j / nx);
                   energy[q] += std::norm(sum / double(nx)) / times.size();
                 }
               });
    return energy;
  };
  const auto coarse = spectrum(48, 2, 1e-4);
  const auto reference = spectrum(96, 3, 1e-6);
  // Modes with wave number 2 pi q / L up to 1.5 carry the energy (the KS band is q L / 2 pi < L).
  double deviation = 0;
  const std::size_t modes = 15;
  for (std::size_t q = 1; q <= modes; ++q)
    deviation += std::abs(std::log10(coarse[q] / reference[q])) / modes;
  std::cout << "  mean |log10(E_coarse / E_reference)| over modes 1.." << modes << ": " << deviation
            << std::endl;
  EXPECT_LT(deviation, 0.3);
  // The spectrum has the KS shape: the energy peaks near q = L / (2 pi sqrt 2) ~ 7.
  const auto peak
      = std::max_element(reference.begin() + 1, reference.begin() + 20) - reference.begin();
  EXPECT_GE(peak, 4);
  EXPECT_LE(peak, 11);
}

TEST(Solvers1D, PluginsAreReproducibleAndSampleExactly)
{
  for (const std::string pde : { "burgers", "kdv", "ks" })
  {
    auto plugin = PluginFamily<PDESolver>::create_with_defaults(
        pde, { { "Number of cells", "24" },
               { "Element degree", "3" },
               { "Grid points", "32" },
               { "Saved times", "12" },
               { "Kept times", pde == "burgers" ? "12" : "5" },
               { "Minimum final time", "1" },
               { "Maximum final time", pde == "burgers" ? "1" : "1.2" },
               { "Minimum length", "20" },
               { "Maximum length", pde == "burgers" ? "20" : "24" } });
    const Trajectory a = plugin->generate(42, MPI_COMM_SELF);
    const Trajectory b = plugin->generate(42, MPI_COMM_SELF);
    const Trajectory c = plugin->generate(43, MPI_COMM_SELF);
    EXPECT_EQ(a.fields, b.fields) << pde;
    EXPECT_NE(a.fields, c.fields) << pde;
    a.check_consistency();
    EXPECT_EQ(a.pde, pde);
    EXPECT_EQ(a.nx, 32u);
    EXPECT_EQ(a.nt, pde == "burgers" ? 12u : 5u);
    EXPECT_EQ(a.seed, 42u);
    EXPECT_EQ(a.initial_condition.at("A").size(), 10u);
    EXPECT_EQ(a.initial_condition.at("l").size(), 10u);
    EXPECT_EQ(a.coefficients.count("nu"), pde == "burgers" ? 1u : 0u);
    EXPECT_NEAR(a.t.back(), a.final_time, 1e-12);
    EXPECT_NEAR(a.t[1] - a.t[0], a.dt, 1e-12);
    EXPECT_NEAR(a.x[1], a.length_x / 32, 1e-12);
    EXPECT_NEAR(a.dt, a.final_time / 11, 1e-12);
    EXPECT_FALSE(a.generator_configuration.empty());
    if (pde == "burgers")
    {
      // Frame 0 is the L2 projection of u0, evaluated exactly at x_j.
      const auto &d = dynamic_cast<SineSeriesPDE &>(*plugin).draw(42);
      double worst = 0;
      for (std::size_t j = 0; j < a.nx; ++j)
        worst = std::max(worst, std::abs(a(0, 0, j) - d.initial_value(a.x[j])));
      EXPECT_LT(worst, 2e-3);
      EXPECT_GT(a.coefficients.at("nu"), 0.01);
      EXPECT_LT(a.coefficients.at("nu"), 0.1);
    }
    else
    {
      EXPECT_GE(a.length_x, 20);
      EXPECT_LE(a.length_x, 24);
      EXPECT_NEAR(a.t.front(), 7 * a.dt, 1e-12); // the last 5 of 12 saved times
    }
  }
}
