// Serial verification of the buoyant Navier-Stokes solver: convergence order on the Taylor-Green
// vortex (exact Navier-Stokes solution, Dirichlet data from it), divergence of the saved
// velocity, conservation and positivity of the smoke, reproducibility from the seed.
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/plugin/trajectory_file.h>
#include <sslpde/solvers/navier_stokes.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

using sslpde::solvers::NavierStokesSolver;

namespace
{
// Taylor-Green vortex: u = (sin x cos y, -cos x sin y) e^{-2 nu t},
// p = (cos 2x + cos 2y) / 4 e^{-4 nu t}; an exact solution of the Navier-Stokes equations.
NavierStokesSolver::Diagnostics taylor_green(unsigned int cells, double dt, double nu)
{
  NavierStokesSolver solver;
  solver.settings.domain_length = M_PI;
  solver.settings.viscosity = nu;
  solver.settings.cells_per_direction = cells;
  solver.settings.output_nx = 8;
  solver.settings.output_ny = 8;
  solver.settings.first_saved_time = 0.5;
  solver.settings.saved_time_step = 0.5;
  solver.settings.n_saved_frames = 2;
  solver.settings.solver_tolerance = 1e-12;
  NavierStokesSolver::Hooks hooks;
  const auto velocity = [nu](double x, double y, double t)
  {
    const double decay = std::exp(-2 * nu * t);
    return std::array<double, 2>{ std::sin(x) * std::cos(y) * decay,
                                  -std::cos(x) * std::sin(y) * decay };
  };
  hooks.initial_velocity = velocity;
  hooks.boundary_velocity = velocity;
  hooks.exact_velocity = velocity;
  hooks.exact_pressure = [nu](double x, double y, double t)
  { return 0.25 * (std::cos(2 * x) + std::cos(2 * y)) * std::exp(-4 * nu * t); };
  hooks.initial_smoke = [](double, double) { return 0.0; };
  hooks.buoyancy = 0.0;
  hooks.fixed_time_step = dt;
  NavierStokesSolver::Diagnostics diagnostics;
  solver.simulate(1, MPI_COMM_SELF, hooks, &diagnostics);
  return diagnostics;
}

NavierStokesSolver small_smoke_solver()
{
  NavierStokesSolver solver;
  solver.settings.domain_length = 16;
  solver.settings.cells_per_direction = 16;
  solver.settings.output_nx = 32;
  solver.settings.output_ny = 32;
  solver.settings.first_saved_time = 4;
  solver.settings.saved_time_step = 2;
  solver.settings.n_saved_frames = 4;
  solver.settings.noise_grid_points = 32;
  solver.settings.smoke_correlation_length = 3;
  solver.settings.buoyancy_min = 0.5;
  solver.settings.buoyancy_max = 0.5;
  solver.settings.solver_tolerance = 1e-10;
  return solver;
}
} // namespace

TEST(NavierStokes, TaylorGreenConvergesAtSecondOrder)
{
  const double nu = 0.1;
  std::vector<double> velocity_errors, pressure_errors;
  for (unsigned int level = 0; level < 3; ++level)
  {
    const auto d = taylor_green(4u << level, 0.1 / (1u << level), nu);
    std::cout << "Taylor-Green " << (4u << level) << "^2 cells, dt " << 0.1 / (1u << level)
              << ": velocity L2 error " << d.frames.back().velocity_error_l2
              << ", pressure L2 error " << d.frames.back().pressure_error_l2
              << ", discrete divergence / |grad v| "
              << d.frames.back().discrete_divergence_l2 / d.frames.back().velocity_gradient_l2
              << ", |div v| / |grad v| "
              << d.frames.back().divergence_l2 / d.frames.back().velocity_gradient_l2 << std::endl;
    velocity_errors.push_back(d.frames.back().velocity_error_l2);
    pressure_errors.push_back(d.frames.back().pressure_error_l2);
    // Discrete divergence (tested against the pressure space) of the end-of-step velocity.
    EXPECT_LT(d.frames.back().discrete_divergence_l2, 1e-3 * d.frames.back().velocity_gradient_l2);
  }
  for (unsigned int level = 1; level < 3; ++level)
  {
    const double velocity_order = std::log2(velocity_errors[level - 1] / velocity_errors[level]);
    const double pressure_order = std::log2(pressure_errors[level - 1] / pressure_errors[level]);
    std::cout << "Taylor-Green level " << level << ": velocity error " << velocity_errors[level]
              << " order " << velocity_order << ", pressure error " << pressure_errors[level]
              << " order " << pressure_order << std::endl;
    EXPECT_GT(velocity_order, 1.8);
    EXPECT_GT(pressure_order, 1.3);
  }
  // The finest velocity error relative to the velocity scale (|u| ~ 1 on a box of area pi^2).
  EXPECT_LT(velocity_errors.back(), 2e-3 * M_PI);
}

TEST(NavierStokes, SmokeIsConservedNonNegativeAndVelocityDivergenceFree)
{
  NavierStokesSolver solver = small_smoke_solver();
  NavierStokesSolver::Diagnostics diagnostics;
  const sslpde::Trajectory trajectory
      = solver.simulate(7, MPI_COMM_SELF, NavierStokesSolver::Hooks(), &diagnostics);
  ASSERT_EQ(diagnostics.frames.size(), 4u);
  ASSERT_GT(diagnostics.initial_total_smoke, 0);
  for (const auto &frame : diagnostics.frames)
  {
    std::cout << "t = " << frame.time << ": total smoke " << frame.total_smoke << ", min "
              << frame.min_smoke << ", max " << frame.max_smoke << ", |div v| "
              << frame.divergence_l2 << ", discrete div " << frame.discrete_divergence_l2
              << ", |grad v| " << frame.velocity_gradient_l2 << ", energy " << frame.kinetic_energy
              << std::endl;
    EXPECT_NEAR(frame.total_smoke / diagnostics.initial_total_smoke, 1.0, 1e-8);
    EXPECT_GE(frame.min_smoke, -1e-12 * frame.max_smoke);
    EXPECT_GT(frame.kinetic_energy, 0);
    EXPECT_LT(frame.discrete_divergence_l2, 5e-3 * frame.velocity_gradient_l2);
    EXPECT_LT(frame.divergence_l2, 0.15 * frame.velocity_gradient_l2);
    EXPECT_LT(frame.max_smoke, 1.05); // initial maximum 1: discrete maximum principle to 5 %
  }
  // Buoyancy lifts the smoke: the mean vertical velocity weighted by smoke is positive.
  const std::size_t last = trajectory.nt - 1;
  double lift = 0;
  for (std::size_t i = 0; i < trajectory.nx; ++i)
    for (std::size_t j = 0; j < trajectory.ny; ++j)
      lift += trajectory(0, last, i, j) * trajectory(2, last, i, j);
  EXPECT_GT(lift, 0);
}

TEST(NavierStokes, TrajectoryMetadataAndSeedReproducibility)
{
  NavierStokesSolver solver = small_smoke_solver();
  solver.settings.n_saved_frames = 1;
  solver.settings.first_saved_time = 1;
  solver.settings.buoyancy_min = 0.2;
  solver.settings.buoyancy_max = 0.5;
  const sslpde::Trajectory a = solver.generate(11, MPI_COMM_SELF);
  const sslpde::Trajectory b = solver.generate(11, MPI_COMM_SELF);
  const sslpde::Trajectory c = solver.generate(12, MPI_COMM_SELF);
  a.check_consistency();
  EXPECT_EQ(a.spatial_dimension, 2u);
  EXPECT_EQ(a.field_names, (std::vector<std::string>{ "u", "vx", "vy", "p" }));
  EXPECT_EQ(a.nx, 32u);
  EXPECT_EQ(a.ny, 32u);
  EXPECT_DOUBLE_EQ(a.x.front(), 0.25);
  EXPECT_DOUBLE_EQ(a.dx, 0.5);
  EXPECT_DOUBLE_EQ(a.length_x, 16.0);
  EXPECT_DOUBLE_EQ(a.t.front(), 1.0);
  EXPECT_EQ(a.seed, 11u);
  const double beta = a.coefficients.at("beta");
  EXPECT_GE(beta, 0.2);
  EXPECT_LE(beta, 0.5);
  EXPECT_EQ(a.fields, b.fields);

  // Through the base's HDF5 file (PDEArena layout with buo_y, float32) and back.
  const std::string file = std::string(SSLPDE_BINARY_DIR) + "/navier_stokes_file_test.h5";
  sslpde::io::write_trajectory_file(file, { { "train", { a, c } } });
  const sslpde::TrajectorySplits read = sslpde::io::read_trajectory_file(file);
  ASSERT_EQ(read.at("train").size(), 2u);
  const sslpde::Trajectory &back = read.at("train")[0];
  EXPECT_EQ(back.field_names, a.field_names);
  EXPECT_NEAR(back.coefficients.at("beta"), beta, 1e-6);
  for (std::size_t f = 0; f < a.fields.size(); ++f)
    for (std::size_t i = 0; i < a.fields[f].size(); i += 7)
      EXPECT_NEAR(back.fields[f][i], a.fields[f][i], 1e-6 * (1 + std::abs(a.fields[f][i])));
  std::filesystem::remove(file);
  EXPECT_NE(a.coefficients.at("beta"), c.coefficients.at("beta"));
  EXPECT_NE(a.fields[0], c.fields[0]);
}

TEST(NavierStokes, WritesVtuForParaView)
{
  NavierStokesSolver solver = small_smoke_solver();
  solver.settings.n_saved_frames = 2;
  solver.settings.first_saved_time = 1;
  solver.settings.saved_time_step = 1;
  const std::filesystem::path directory
      = std::filesystem::path(SSLPDE_BINARY_DIR) / "navier_stokes_vtu_test";
  std::filesystem::remove_all(directory);
  solver.settings.vtu_output_directory = directory.string();
  solver.generate(3, MPI_COMM_SELF);
  for (const char *name : { "navier_stokes_seed3_0000.pvtu", "navier_stokes_seed3_0001.pvtu",
                            "navier_stokes_seed3_0001.0.vtu" })
  {
    const auto file = directory / name;
    ASSERT_TRUE(std::filesystem::exists(file)) << file;
    std::ifstream in(file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const char *field : { "smoke", "vx", "vy", "\"p\"" })
      EXPECT_NE(text.find(field), std::string::npos) << field << " in " << file;
  }
  std::filesystem::remove_all(directory);
}

// Every entry of the navier_stokes subsection of the example files is declared and matches its
// pattern, and the paper example asks for 26,624 training trajectories at PDEArena's size.
TEST(NavierStokes, ExampleParameterFilesMatchDeclarations)
{
  const auto declarations = NavierStokesSolver::declare_parameters();
  for (const char *name : { "navier_stokes_quick.prm", "navier_stokes_paper.prm" })
  {
    const std::string path = std::string(SSLPDE_SOURCE_DIR) + "/examples/" + name;
    std::ifstream in(path);
    ASSERT_TRUE(in) << path;
    sslpde::ParameterValues values = sslpde::ParameterValues::defaults(declarations, name);
    std::vector<std::string> sections;
    std::string line, model;
    std::size_t n_train = 0, n_set = 0;
    while (std::getline(in, line))
    {
      line = line.substr(0, line.find('#'));
      std::istringstream words(line);
      std::string first;
      words >> first;
      if (first == "subsection")
      {
        std::string rest;
        std::getline(words, rest);
        sections.push_back(rest.substr(rest.find_first_not_of(' ')));
      }
      else if (first == "end")
        sections.pop_back();
      else if (first == "set")
      {
        const std::size_t equal = line.find('=');
        ASSERT_NE(equal, std::string::npos) << line;
        const auto trim = [](std::string text)
        {
          text.erase(0, text.find_first_not_of(" \t"));
          text.erase(text.find_last_not_of(" \t") + 1);
          return text;
        };
        const std::string key
            = trim(line.substr(line.find("set") + 3, equal - line.find("set") - 3));
        const std::string value = trim(line.substr(equal + 1));
        if (sections == std::vector<std::string>{ "PDE solver" } && key == "Model name")
          model = value;
        if (sections == std::vector<std::string>{ "Generation" }
            && key == "Number of train trajectories")
          n_train = std::stoul(value);
        if (sections == std::vector<std::string>{ "PDE solver", "navier_stokes" })
        {
          const auto found = std::find_if(declarations.begin(), declarations.end(),
                                          [&](const auto &d) { return d.name == key; });
          ASSERT_NE(found, declarations.end()) << key << " in " << path;
          EXPECT_EQ(found->pattern.check(value), "") << key << " in " << path;
          values.set(key, value);
          ++n_set;
        }
      }
    }
    EXPECT_EQ(model, "navier_stokes") << path;
    EXPECT_GT(n_set, 5u) << path;
    NavierStokesSolver solver;
    solver.parse_parameters(values);
    if (std::string(name) == "navier_stokes_paper.prm")
    {
      EXPECT_EQ(n_train, 26624u);
      EXPECT_EQ(solver.settings.output_nx, 128u);
      EXPECT_EQ(solver.settings.n_saved_frames, 56u);
      EXPECT_DOUBLE_EQ(solver.settings.first_saved_time, 18.0);
      EXPECT_DOUBLE_EQ(solver.settings.saved_time_step, 1.5);
    }
  }
}

TEST(NavierStokes, NonFiniteSolutionThrowsRuntimeError)
{
  NavierStokesSolver solver = small_smoke_solver();
  solver.settings.n_saved_frames = 1;
  solver.settings.first_saved_time = 1;
  NavierStokesSolver::Hooks hooks;
  hooks.body_force = [](double, double, double) {
    return std::array<double, 2>{ std::numeric_limits<double>::quiet_NaN(), 0.0 };
  };
  EXPECT_THROW(solver.simulate(1, MPI_COMM_SELF, hooks), std::runtime_error);
}

TEST(NavierStokes, RegisteredAndRejectsBadParameters)
{
  const auto names = sslpde::PluginFamily<sslpde::solvers::PDESolver>::names();
  EXPECT_NE(std::find(names.begin(), names.end(), "navier_stokes"), names.end());
  auto solver = sslpde::PluginFamily<sslpde::solvers::PDESolver>::create_with_defaults(
      "navier_stokes", { { "Ranks per trajectory", "2" } });
  EXPECT_EQ(solver->ranks_per_trajectory(), 2u);
  EXPECT_THROW(sslpde::PluginFamily<sslpde::solvers::PDESolver>::create_with_defaults(
                   "navier_stokes", { { "Buoyancy minimum", "0.6" } }),
               std::invalid_argument);
}
