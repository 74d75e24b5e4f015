// The time-stepping task: variants x seeds of training, rollouts on the test split, and the table,
// JSON, plots and TorchScript models it leaves in the output directory.
#include <sslpde/learning/checkpoint.h>
#include <sslpde/learning/distributed.h>
#include <sslpde/learning/encoder.h>
#include <sslpde/learning/time_stepping/rollout.h>
#include <sslpde/learning/time_stepping/time_stepper_export.h>
#include <sslpde/learning/time_stepping/time_stepper_training.h>
#include <sslpde/learning/time_stepping/time_stepping_task.h>
#include <sslpde/learning/time_stepping/window_augmentation.h>
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/plugin/png_plot.h>
#include <sslpde/plugin/trajectory_file.h>
#include <sslpde/symmetries/augmentation.h>

#include <ATen/ATen.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace sslpde::learning
{
ParameterDeclarations declare_time_stepping_parameters()
{
  return {
    { "Training data file", "", ParameterPattern::file_name(),
      "HDF5 trajectory file (sslpde, LPSDA or PDEArena layout) with the training split. Empty: "
      "the trajectories generated in the same run." },
    { "Test data file", "", ParameterPattern::file_name(),
      "File with the test split; empty: the training data file." },
    { "Training split", "train", ParameterPattern::anything(), "Split the solver trains on." },
    { "Test split", "test", ParameterPattern::anything(), "Split the rollouts are evaluated on." },
    { "Training trajectories", "0", ParameterPattern::integer(0),
      "Use only the first N training trajectories (0: all)." },
    { "Test trajectories", "0", ParameterPattern::integer(0),
      "Use only the first N test trajectories (0: all)." },
    { "Fields", "", ParameterPattern::list_of_strings(),
      "Fields the solver advances (empty: u in 1D; u, vx, vy for Navier-Stokes)." },
    { "Time window", "20", ParameterPattern::integer(1),
      "Frames in the history and in each prediction (LPSDA: 20)." },
    { "Variants", "plain, augmented, conditioned, both",
      ParameterPattern::list_of_strings({ "plain", "augmented", "conditioned", "both" }),
      "Which solvers to train: plain; augmented (symmetry augmentation of the training windows, "
      "resampled mode); conditioned (on the frozen SSL encoder's embedding of the history); "
      "both." },
    { "Seeds", "3", ParameterPattern::integer(1, 1000),
      "Independent trainings per variant (weights and windows); the table gives mean +- std." },
    { "Seed", "0", ParameterPattern::integer(0), "Seed of the first training." },
    { "Epochs", "20", ParameterPattern::integer(1), "Training epochs." },
    { "Batch size", "16", ParameterPattern::integer(1), "Windows per step on each rank." },
    { "Windows per trajectory", "4", ParameterPattern::integer(1),
      "Random windows drawn from each training trajectory per epoch." },
    { "Learning rate", "1e-3", ParameterPattern::real(0), "AdamW learning rate." },
    { "Weight decay", "1e-8", ParameterPattern::real(0), "AdamW weight decay." },
    { "Milestones", "", ParameterPattern::list_of_integers(),
      "Epochs at which the learning rate is multiplied by 'Learning rate factor'." },
    { "Learning rate factor", "0.4", ParameterPattern::real(0, 1), "Step schedule factor." },
    { "Push-forward steps", "0", ParameterPattern::integer(0),
      "Maximum windows unrolled without gradient before the loss (0: one-step training)." },
    { "Conditioning", "channels",
      ParameterPattern::selection({ "channels", "film", "channels and film" }),
      "How the embedding enters the conditioned variants: projected to extra input channels, "
      "FiLM scale and shift of the hidden layers, or both." },
    { "Conditioning channels", "8", ParameterPattern::integer(1),
      "Channels the embedding is projected to (channel conditioning)." },
    { "Encoder file", "", ParameterPattern::file_name(),
      "TorchScript file of the pre-trained SSL encoder (written by pre-training); needed by the "
      "conditioned variants." },
    { "Output directory", "output/time_stepping", ParameterPattern::anything(),
      "Where the table, JSON, plots and models go." },
    { "Checkpoints", "false", ParameterPattern::boolean(),
      "Write a checkpoint per variant and seed each epoch, and resume from it when present." },
    { "Threads per rank", "0", ParameterPattern::integer(0),
      "torch threads per MPI rank (0: cores / ranks on the node)." },
    { "Verbose", "true", ParameterPattern::boolean(), "Print a line per epoch." }
  };
}

namespace
{
std::vector<Trajectory> read_shard(const TrajectorySplits *data, const std::string &file,
                                   const std::string &split, std::int64_t limit, int rank, int size,
                                   const std::string &what)
{
  std::vector<Trajectory> shard;
  if (data)
  {
    const auto found = data->find(split);
    if (found == data->end())
      throw std::invalid_argument("Time stepping: the generated data has no split '" + split + "' ("
                                  + what + ")");
    std::int64_t n = found->second.size();
    if (limit > 0)
      n = std::min(n, limit);
    const auto [begin, end] = shard_range(n, rank, size);
    shard.assign(found->second.begin() + begin, found->second.begin() + end);
    return shard;
  }
  if (file.empty())
    throw std::invalid_argument("Parameter '" + what
                                + "' in section 'Time stepping' is empty and "
                                  "no generated data was handed over");
  const io::TrajectoryFileReader reader(file);
  if (!reader.has_split(split))
    throw std::invalid_argument("File '" + file + "' (parameter '" + what
                                + "' in section 'Time stepping') has no split '" + split + "'");
  std::int64_t n = reader.size(split);
  if (limit > 0)
    n = std::min(n, limit);
  const auto [begin, end] = shard_range(n, rank, size);
  for (std::int64_t i = begin; i < end; ++i)
    shard.push_back(reader.read(split, i));
  return shard;
}

// Sum of a vector over ranks.
void sum_over_ranks(std::vector<double> &values, MPI_Comm comm)
{
  if (comm == MPI_COMM_NULL || values.empty())
    return;
  MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM,
                comm);
}

std::pair<double, double> mean_and_std(const std::vector<double> &v)
{
  if (v.empty())
    return { 0.0, 0.0 };
  double mean = 0;
  for (double x : v)
    mean += x / v.size();
  double var = 0;
  for (double x : v)
    var += (x - mean) * (x - mean);
  return { mean, v.size() > 1 ? std::sqrt(var / (v.size() - 1)) : 0.0 };
}

std::string format(double x)
{
  std::ostringstream s;
  s << std::setprecision(4) << x;
  return s.str();
}

plot::Image frame_image(const at::Tensor &fields, const std::string &title, double t0, double t1,
                        double length)
{
  // fields: [nt, F, nx] (1D, first field) or [nt, F, nx, ny] (2D: the last frame of field 0).
  plot::Image image;
  image.title = title;
  at::Tensor values;
  if (fields.dim() == 3)
  {
    values = fields.select(1, 0).to(at::kDouble).contiguous();
    image.y_min = t0;
    image.y_max = t1;
  }
  else
  {
    values = fields.select(0, fields.size(0) - 1).select(0, 0).to(at::kDouble).contiguous();
    image.x_label = "y";
    image.y_label = "x";
    image.y_min = 0;
    image.y_max = length;
  }
  image.rows = values.size(0);
  image.cols = values.size(1);
  image.values.assign(values.data_ptr<double>(), values.data_ptr<double>() + values.numel());
  image.x_min = 0;
  image.x_max = length;
  return image;
}
} // namespace

TimeSteppingReport run_time_stepping_task(const TimeSteppingTaskInput &input, MPI_Comm comm)
{
  int rank = 0, size = 1;
  if (comm != MPI_COMM_NULL)
  {
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
  }
  const ParameterValues &p = input.task;
  set_threads_per_rank(static_cast<int>(p.get_integer("Threads per rank")),
                       comm == MPI_COMM_NULL ? MPI_COMM_SELF : comm);
  const bool verbose = p.get_bool("Verbose") && rank == 0;

  const std::string train_file = p.get("Training data file");
  const std::string test_file
      = p.get("Test data file").empty() ? train_file : p.get("Test data file");
  const auto train_trajectories
      = read_shard(input.data, train_file, p.get("Training split"),
                   p.get_integer("Training trajectories"), rank, size, "Training data file");
  const auto test_trajectories
      = read_shard(input.data, test_file, p.get("Test split"), p.get_integer("Test trajectories"),
                   rank, size, "Test data file");
  if (train_trajectories.empty())
    throw std::invalid_argument("Time stepping: rank " + std::to_string(rank)
                                + " got no training trajectories; use fewer ranks or more data");
  const TimeSteppingData train
      = make_time_stepping_data(train_trajectories, p.get_strings("Fields"));
  const TimeSteppingData test = test_trajectories.empty()
                                    ? TimeSteppingData()
                                    : make_time_stepping_data(test_trajectories, train.field_names);
  std::int64_t n_test = test.size();
  if (comm != MPI_COMM_NULL)
    MPI_Allreduce(MPI_IN_PLACE, &n_test, 1, MPI_INT64_T, MPI_SUM, comm);
  if (n_test == 0)
    throw std::invalid_argument("Time stepping: the test split '" + p.get("Test split")
                                + "' is empty");
  // Global index of this rank's first test trajectory.
  std::int64_t test_offset = 0;
  if (comm != MPI_COMM_NULL)
  {
    std::int64_t mine = test.size();
    MPI_Exscan(&mine, &test_offset, 1, MPI_INT64_T, MPI_SUM, comm);
    if (rank == 0)
      test_offset = 0;
  }

  const std::vector<std::string> variants = p.get_strings("Variants");
  bool needs_encoder = false, needs_augmentation = false;
  for (const auto &v : variants)
  {
    needs_encoder |= v == "conditioned" || v == "both";
    needs_augmentation |= v == "augmented" || v == "both";
  }

  TimeStepperShape shape;
  shape.time_window = p.get_integer("Time window");
  shape.n_fields = train.n_fields();
  shape.spatial_dimension = train.spatial_dimension();
  shape.conditioning_channels = p.get_integer("Conditioning channels");
  if (train.n_times() < 2 * shape.time_window)
    throw std::invalid_argument("Parameter 'Time window' in section 'Time stepping' is "
                                + std::to_string(shape.time_window) + " but trajectories have only "
                                + std::to_string(train.n_times()) + " frames (need two windows)");

  HistoryEmbedder embedder;
  if (needs_encoder && input.encoder)
  {
    auto encoder = std::static_pointer_cast<Encoder>(input.encoder);
    embedder = make_encoder_embedder(encoder);
    shape.embedding_dimension = encoder->representation_dim();
  }
  else if (needs_encoder)
  {
    const std::string encoder_file = p.get("Encoder file");
    if (encoder_file.empty())
      throw std::invalid_argument("Parameter 'Encoder file' in section 'Time stepping' is empty, "
                                  "but the variants 'conditioned'/'both' need the TorchScript "
                                  "encoder written by pre-training");
    auto encoder = std::make_shared<FrozenEncoder>(encoder_file);
    embedder = make_encoder_embedder(encoder);
    shape.embedding_dimension = encoder->representation_dim();
  }
  WindowAugmentation augmentation;
  if (needs_augmentation)
  {
    if (input.symmetry_group_name.empty())
      throw std::invalid_argument("The variants 'augmented'/'both' need a 'Symmetry group' plugin");
    auto group = PluginFamily<symmetries::SymmetryGroup>::create(input.symmetry_group_name,
                                                                 input.symmetry_group_values);
    ParameterValues section = input.symmetries_section;
    if (section.all().empty())
      section
          = ParameterValues::defaults(symmetries::declare_augmentation_parameters(), "Symmetries");
    // The time-stepper sees fields on its grid, and history and target must stay one window.
    section.set("Mode", "resampled");
    section.set("Time window", "0");
    section.set("Space window x", "0");
    section.set("Space window y", "0");
    augmentation = make_window_augmentation(
        std::make_shared<symmetries::Augmentation>(section, std::move(group)), train.field_names);
  }

  const std::string output = p.get("Output directory");
  if (rank == 0)
    std::filesystem::create_directories(output);

  TimeStepperTrainingOptions options;
  options.epochs = p.get_integer("Epochs");
  options.batch_size = p.get_integer("Batch size");
  options.windows_per_trajectory = p.get_integer("Windows per trajectory");
  options.learning_rate = p.get_double("Learning rate");
  options.weight_decay = p.get_double("Weight decay");
  for (long m : p.get_integers("Milestones"))
    options.milestones.push_back(m);
  options.gamma = p.get_double("Learning rate factor");
  options.pushforward_steps = p.get_integer("Push-forward steps");
  options.comm = comm;
  options.verbose = verbose;
  const std::int64_t seeds = p.get_integer("Seeds"), first_seed = p.get_integer("Seed");
  const Conditioning conditioning = parse_conditioning(p.get("Conditioning"));

  TimeSteppingReport report;
  report.pde = train_trajectories.front().pde;
  report.architecture = input.stepper_name;
  const std::int64_t tw = shape.time_window, nt = test.size() ? test.n_times() : train.n_times();
  std::vector<std::pair<std::string, at::Tensor>> first_rollouts; // rank 0's first test trajectory
  std::vector<plot::Series> growth;

  for (const auto &variant : variants)
  {
    const bool conditioned = variant == "conditioned" || variant == "both";
    const bool augmented = variant == "augmented" || variant == "both";
    TimeStepperShape variant_shape = shape;
    variant_shape.conditioning = conditioned ? conditioning : Conditioning::none;
    if (!conditioned)
      variant_shape.embedding_dimension = 0;
    TimeSteppingVariantResult result;
    result.variant = variant;
    const auto start = std::chrono::steady_clock::now();
    std::vector<double> frame_error_sum;
    for (std::int64_t s = 0; s < seeds; ++s)
    {
      const std::uint64_t seed = first_seed + s;
      if (verbose)
        std::cout << "Time stepping: " << variant << ", seed " << seed << std::endl;
      at::manual_seed(seed);
      auto plugin = PluginFamily<TimeStepper>::create(input.stepper_name, input.stepper_values);
      auto network = plugin->create_network(variant_shape);
      options.seed = seed;
      options.checkpoint_file
          = p.get_bool("Checkpoints")
                ? output + "/time_stepping_" + variant + "_seed" + std::to_string(seed) + ".ckpt"
                : "";
      const TrainingState state
          = train_time_stepper(*network, train, options, conditioned ? embedder : HistoryEmbedder(),
                               augmented ? augmentation : WindowAugmentation());
      result.final_training_loss += state.loss_history.back() / seeds;

      std::vector<double> errors(n_test, 0.0);
      std::vector<double> frame_errors(nt - tw, 0.0);
      if (test.size() > 0)
      {
        const at::Tensor prediction
            = rollout(*network, test, conditioned ? embedder : HistoryEmbedder());
        const auto local = normalised_rollout_errors(prediction, test.fields, tw);
        for (std::size_t i = 0; i < local.size(); ++i)
          errors[test_offset + i] = local[i];
        const at::Tensor per_frame
            = normalised_frame_errors(prediction, test.fields, tw).sum(0).contiguous();
        for (std::int64_t f = 0; f < nt - tw; ++f)
          frame_errors[f] = per_frame[f].item<double>();
        if (s == 0 && rank == 0)
          first_rollouts.emplace_back(variant, prediction[0].clone());
      }
      sum_over_ranks(errors, comm);
      sum_over_ranks(frame_errors, comm);
      const auto [mean, std] = mean_and_std(errors);
      result.seed_means.push_back(mean);
      result.seed_stds.push_back(std);
      if (frame_error_sum.empty())
        frame_error_sum.assign(frame_errors.size(), 0.0);
      for (std::size_t f = 0; f < frame_errors.size(); ++f)
        frame_error_sum[f] += frame_errors[f] / (n_test * seeds);
      if (s == 0)
      {
        result.model_file = output + "/time_stepping_" + variant + ".pt";
        if (rank == 0)
          export_torchscript(*network, result.model_file);
      }
      if (verbose)
        std::cout << "  rollout error " << variant << " seed " << seed << ": " << mean << " +- "
                  << std << " over " << n_test << " test trajectories" << std::endl;
    }
    const auto [mean, std] = mean_and_std(result.seed_means);
    result.mean = mean;
    result.std = std;
    result.trajectory_std = mean_and_std(result.seed_stds).first;
    result.seconds
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    plot::Series series;
    series.label = variant;
    for (std::size_t f = 0; f < frame_error_sum.size(); ++f)
    {
      series.x.push_back(static_cast<double>(tw + f));
      series.y.push_back(std::max(frame_error_sum[f], 1e-12));
    }
    growth.push_back(series);
    report.variants.push_back(result);
  }

  std::ostringstream md;
  md << "| " << report.pde << ", " << report.architecture << " | rollout error (mean +- std over "
     << seeds
     << " seeds) | std over trajectories | "
        "final training loss | seconds |\n|---|---|---|---|---|\n";
  for (const auto &r : report.variants)
    md << "| " << r.variant << " | " << format(r.mean) << " +- " << format(r.std) << " | "
       << format(r.trajectory_std) << " | " << format(r.final_training_loss) << " | "
       << format(r.seconds) << " |\n";
  report.markdown = md.str();

  if (rank == 0)
  {
    write_file_atomically(output + "/time_stepping.md", report.markdown);
    std::ostringstream json;
    json << "{\n  \"pde\": \"" << report.pde << "\",\n  \"architecture\": \"" << report.architecture
         << "\",\n  \"time_window\": " << tw << ",\n  \"test_trajectories\": " << n_test
         << ",\n  \"ranks\": " << size << ",\n  \"variants\": [\n";
    for (std::size_t v = 0; v < report.variants.size(); ++v)
    {
      const auto &r = report.variants[v];
      json << "    {\"variant\": \"" << r.variant << "\", \"mean\": " << r.mean
           << ", \"std\": " << r.std << ", \"trajectory_std\": " << r.trajectory_std
           << ", \"final_training_loss\": " << r.final_training_loss
           << ", \"seconds\": " << r.seconds << ", \"seed_means\": [";
      for (std::size_t s = 0; s < r.seed_means.size(); ++s)
        json << (s ? ", " : "") << r.seed_means[s];
      json << "], \"model\": \"" << r.model_file << "\"}"
           << (v + 1 < report.variants.size() ? "," : "") << "\n";
    }
    json << "  ]\n}\n";
    write_file_atomically(output + "/time_stepping.json", json.str());

    if (plot::gnuplot_available() && !first_rollouts.empty())
    {
      const double t0 = test.t_start[0].item<double>();
      const double t1 = t0 + test.dt[0].item<double>() * (nt - 1);
      const double length = test.dx[0].item<double>() * test.fields.size(3);
      std::vector<plot::Image> panels{ frame_image(test.fields[0], "truth", t0, t1, length) };
      for (const auto &[variant, prediction] : first_rollouts)
        panels.push_back(frame_image(prediction, variant, t0, t1, length));
      plot::write_images_png(output + "/time_stepping_rollout.png", panels);
      plot::write_line_plot_png(output + "/time_stepping_error_growth.png",
                                "Normalised error per frame (" + report.pde + ", "
                                    + report.architecture + ")",
                                "frame", "mean_x (u^ - u)^2 / mean_x u^2", growth, true);
    }
  }
  return report;
}
} // namespace sslpde::learning

SSLPDE_REGISTER_PARAMETER_SECTION(
    "Time stepping",
    "Neural time-steppers (LPSDA protocol) trained plain, with symmetry augmentation, conditioned "
    "on the frozen SSL encoder, or both; rollout errors on the test split.",
    &sslpde::learning::declare_time_stepping_parameters)
