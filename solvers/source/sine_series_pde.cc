// Draws, solves and samples one trajectory of the 1D data sets (see sine_series_pde.h).
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/solvers/seeded_random.h>
#include <sslpde/solvers/sine_series_pde.h>

#include <cmath>
#include <stdexcept>

namespace sslpde::solvers
{
double SineSeriesDraw::initial_value(const double x) const
{
  double sum = 0;
  for (std::size_t k = 0; k < amplitudes.size(); ++k)
    sum += amplitudes[k] * std::sin(2 * M_PI * wave_numbers[k] * x / length + phases[k]);
  return sum;
}

SineSeriesPDE::SineSeriesPDE(const SineSeriesDefaults &d) : defaults(d)
{
  parse_parameters(ParameterValues::defaults(declarations(d), "PDE solver/" + d.pde));
}

ParameterDeclarations SineSeriesPDE::declarations(const SineSeriesDefaults &d)
{
  using P = ParameterPattern;
  ParameterDeclarations list = {
    { "Number of cells", d.n_cells, P::integer(3, 1e6),
      "Cells of the uniform periodic mesh on [0, L)." },
    { "Element degree", d.degree, P::integer(1, 6),
      "Polynomial degree of the continuous (FE_Q) elements of u and of the auxiliary w = u_xx." },
    { "Grid points", "256", P::integer(1, 1e7),
      "nx: output points x_j = j L / nx, j = 0..nx-1, where the FE solution is evaluated." },
    { "Saved times", d.saved_times, P::integer(1, 1e7),
      "Output times t_i = i T / (n - 1), i = 0..n-1 (uniform on [0, T], both ends included)." },
    { "Kept times", d.kept_times, P::integer(1, 1e7),
      "How many of the last saved times are stored (LPSDA keeps 140 of 250 / 500 for KdV / KS)." },
    { "Minimum length", d.minimum_length, P::real(0), "L ~ U[minimum, maximum] per trajectory." },
    { "Maximum length", d.maximum_length, P::real(0), "See 'Minimum length'." },
    { "Minimum final time", d.minimum_time, P::real(0), "T ~ U[minimum, maximum] per trajectory." },
    { "Maximum final time", d.maximum_time, P::real(0), "See 'Minimum final time'." },
    { "Number of sines", "10", P::integer(0, 1000),
      "N in u0(x) = sum_k A_k sin(2 pi l_k x / L + phi_k)." },
    { "Maximum amplitude", "0.5", P::real(0), "A_k ~ U(-max, max)." },
    { "Wave numbers", d.wave_numbers, P::list_of_integers(),
      "The set l_k is drawn from (uniformly), e.g. 1,2,3,4,5." },
    { "Relative tolerance", d.relative_tolerance, P::real(0),
      "Relative local error tolerance of the adaptive time integrator (on u)." },
    { "Absolute tolerance", d.absolute_tolerance, P::real(0),
      "Absolute local error tolerance of the adaptive time integrator (on u)." },
    { "Initial time step", d.initial_time_step, P::real(0), "First trial step of the integrator." },
    { "PETSc options", "", P::anything(),
      "Options for this solver's PETSc TS/SNES/KSP/PC (private database), e.g. "
      "'-ts_type bdf -ts_bdf_order 4' or '-ts_rosw_type rodas3'. Default: Rosenbrock-W ra34pw2, "
      "LU." },
    { "Maximum steps", "1000000", P::integer(1, 2e9),
      "A trajectory needing more time steps is rejected (blow-ups make steps tiny)." },
    { "Divergence threshold", "1e6", P::real(0),
      "A trajectory with max |u| above this at a saved time is rejected as divergent." },
  };
  if (d.equation == Equation1D::burgers)
  {
    list.push_back({ "Minimum viscosity", "0.01", P::real(0),
                     "nu ~ log-uniform on [minimum, maximum] per trajectory." });
    list.push_back({ "Maximum viscosity", "0.1", P::real(0), "See 'Minimum viscosity'." });
  }
  return list;
}

void SineSeriesPDE::parse_parameters(const ParameterValues &v)
{
  configuration = v.to_text();
  n_cells = v.get_integer("Number of cells");
  degree = v.get_integer("Element degree");
  grid_points = v.get_integer("Grid points");
  saved_times = v.get_integer("Saved times");
  kept_times = v.get_integer("Kept times");
  minimum_length = v.get_double("Minimum length");
  maximum_length = v.get_double("Maximum length");
  minimum_time = v.get_double("Minimum final time");
  maximum_time = v.get_double("Maximum final time");
  n_sines = v.get_integer("Number of sines");
  maximum_amplitude = v.get_double("Maximum amplitude");
  wave_number_choices = v.get_integers("Wave numbers");
  relative_tolerance = v.get_double("Relative tolerance");
  absolute_tolerance = v.get_double("Absolute tolerance");
  initial_time_step = v.get_double("Initial time step");
  petsc_options = v.get("PETSc options");
  maximum_steps = v.get_integer("Maximum steps");
  divergence_threshold = v.get_double("Divergence threshold");
  if (defaults.equation == Equation1D::burgers)
  {
    minimum_viscosity = v.get_double("Minimum viscosity");
    maximum_viscosity = v.get_double("Maximum viscosity");
    if (!(minimum_viscosity > 0 && minimum_viscosity <= maximum_viscosity))
      throw std::invalid_argument(v.section()
                                  + ": need 0 < 'Minimum viscosity' <= 'Maximum viscosity'");
  }
  const auto fail = [&](const std::string &what)
  { throw std::invalid_argument("parameters of '" + v.section() + "': " + what); };
  if (!(minimum_length > 0 && minimum_length <= maximum_length))
    fail("need 0 < 'Minimum length' <= 'Maximum length'");
  if (!(minimum_time > 0 && minimum_time <= maximum_time))
    fail("need 0 < 'Minimum final time' <= 'Maximum final time'");
  if (kept_times > saved_times)
    fail("'Kept times' (" + std::to_string(kept_times) + ") exceeds 'Saved times' ("
         + std::to_string(saved_times) + ")");
  if (saved_times < 2)
    fail("'Saved times' must be at least 2");
  if (wave_number_choices.empty())
    fail("'Wave numbers' is empty");
}

SineSeriesDraw SineSeriesPDE::draw(const std::uint64_t seed) const
{
  SeededRandom random(seed);
  SineSeriesDraw d;
  if (defaults.equation == Equation1D::burgers)
    d.viscosity = random.log_uniform(minimum_viscosity, maximum_viscosity);
  d.length = random.uniform(minimum_length, maximum_length);
  d.final_time = random.uniform(minimum_time, maximum_time);
  for (unsigned int k = 0; k < n_sines; ++k)
  {
    d.amplitudes.push_back(random.uniform(-maximum_amplitude, maximum_amplitude));
    d.phases.push_back(random.uniform(0, 2 * M_PI));
    d.wave_numbers.push_back(static_cast<double>(
        wave_number_choices[random.integer(0, wave_number_choices.size() - 1)]));
  }
  return d;
}

PeriodicSolver1DSettings SineSeriesPDE::settings_for(const SineSeriesDraw &d) const
{
  PeriodicSolver1DSettings s;
  s.equation = defaults.equation;
  s.viscosity = d.viscosity;
  s.length = d.length;
  s.n_cells = n_cells;
  s.degree = degree;
  s.relative_tolerance = relative_tolerance;
  s.absolute_tolerance = absolute_tolerance;
  s.initial_time_step = initial_time_step;
  s.petsc_options = petsc_options;
  s.maximum_steps = maximum_steps;
  s.divergence_threshold = divergence_threshold;
  return s;
}

Trajectory SineSeriesPDE::generate(const std::uint64_t seed, MPI_Comm)
{
  const SineSeriesDraw d = draw(seed);
  PeriodicSolver1D solver(settings_for(d));
  solver.set_initial_condition([&](double x) { return d.initial_value(x); });

  Trajectory trajectory;
  trajectory.pde = defaults.pde;
  trajectory.spatial_dimension = 1;
  trajectory.allocate(kept_times, grid_points, 1, { "u" });
  trajectory.dx = d.length / grid_points;
  trajectory.dt = d.final_time / (saved_times - 1);
  trajectory.length_x = d.length;
  trajectory.final_time = d.final_time;
  for (unsigned int j = 0; j < grid_points; ++j)
    trajectory.x.push_back(j * trajectory.dx);
  std::vector<double> times(saved_times);
  for (unsigned int i = 0; i < saved_times; ++i)
    times[i] = i == saved_times - 1 ? d.final_time : i * trajectory.dt;
  const unsigned int first_kept = saved_times - kept_times;
  trajectory.t.assign(times.begin() + first_kept, times.end());
  if (defaults.equation == Equation1D::burgers)
    trajectory.coefficients["nu"] = d.viscosity;
  trajectory.initial_condition["A"] = d.amplitudes;
  trajectory.initial_condition["phi"] = d.phases;
  trajectory.initial_condition["l"] = d.wave_numbers;
  trajectory.seed = seed;
  trajectory.generator_configuration = configuration;

  solver.set_output_points(trajectory.x);
  double *u = trajectory.fields[0].data();
  solver.run(times,
             [&](std::size_t i)
             {
               if (i >= first_kept)
                 solver.evaluate_at_points(u + (i - first_kept) * grid_points);
             });
  statistics = solver.statistics();
  if (!trajectory.all_finite())
    throw std::runtime_error(defaults.pde + " trajectory of seed " + std::to_string(seed)
                             + " has non-finite values");
  return trajectory;
}
} // namespace sslpde::solvers
