// `sslpde pretrain / evaluate / run`: VICReg pre-training on symmetry views of the unlabelled
// split, then coefficient regression with the frozen encoder against the supervised baseline;
// results as JSON, a Markdown table and PNG plots.
#include <sslpde/learning/distributed.h>
#include <sslpde/learning/encoder.h>
#include <sslpde/learning/pipeline.h>
#include <sslpde/learning/pretraining.h>
#include <sslpde/learning/regression.h>
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/plugin/png_plot.h>
#include <sslpde/symmetries/augmentation.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace sslpde::learning
{
ParameterDeclarations declare_pretraining_parameters()
{
  return {
    { "Data file", "data.h5", ParameterPattern::file_name(),
      "Trajectory file that `sslpde pretrain` and `sslpde evaluate` read (`sslpde run` trains on "
      "the data it generates, written to Generation/Output file)." },
    { "Output directory", "output", ParameterPattern::anything(),
      "Where the encoder (encoder.pt, TorchScript), checkpoint, results and plots go." },
    { "Split", "train", ParameterPattern::anything(), "The unlabelled split to pre-train on." },
    { "Number of samples", "0", ParameterPattern::integer(0),
      "Trajectories of the split used for pre-training (the first ones); 0: all." },
    { "Epochs", "100", ParameterPattern::integer(0), "Passes over the pre-training set." },
    { "Batch size", "64", ParameterPattern::integer(2),
      "Global batch size (split over the MPI ranks)." },
    { "Learning rate", "3e-4", ParameterPattern::real(0), "AdamW learning rate." },
    { "Weight decay", "1e-6", ParameterPattern::real(0),
      "AdamW weight decay (never on biases and normalisation parameters)." },
    { "Learning rate schedule", "constant", ParameterPattern::selection({ "constant", "cosine" }),
      "constant, or cosine decay to 0 after the warm-up." },
    { "Warm-up epochs", "0", ParameterPattern::integer(0),
      "Epochs of linear learning-rate warm-up." },
    { "Invariance weight", "25", ParameterPattern::real(0), "lambda_inv of VICReg." },
    { "Variance weight", "25", ParameterPattern::real(0), "lambda_var of VICReg." },
    { "Covariance weight", "1", ParameterPattern::real(0), "lambda_cov of VICReg." },
    { "Projector sizes", "512, 512, 512", ParameterPattern::list_of_integers(),
      "Hidden and output sizes of the projector MLP (Linear-BN-ReLU blocks, last Linear "
      "without bias)." },
    { "Seed", "1", ParameterPattern::integer(0),
      "Seed of initialisation, batch order and views (results do not depend on the rank count)." },
    { "Threads per rank", "0", ParameterPattern::integer(0),
      "torch threads per MPI rank; 0: cores of the node / ranks on the node." },
    { "Checkpoint interval", "1", ParameterPattern::integer(1), "Epochs between checkpoints." },
    { "Resume", "true", ParameterPattern::boolean(),
      "Continue from <Output directory>/pretraining.ckpt when it exists." },
  };
}

ParameterDeclarations declare_evaluation_parameters()
{
  return {
    { "Targets", "nu", ParameterPattern::list_of_strings(),
      "What to regress: coefficient names (nu, beta), L (domain length) or a1, a2, ... (the "
      "initial condition's Fourier-mode magnitudes, KdV/KS)." },
    { "Metric", "relative error", ParameterPattern::selection({ "relative error", "nmse", "mse" }),
      "relative error (%, Burgers nu), nmse (KdV/KS vectors) or mse (Navier-Stokes beta)." },
    { "Log targets", "true", ParameterPattern::boolean(),
      "Regress log(target) (positive coefficients spread over a decade)." },
    { "Labelled split", "train", ParameterPattern::anything(),
      "Split the labelled samples are taken from (its first 'Labelled samples')." },
    { "Labelled samples", "0", ParameterPattern::integer(0), "0: the whole split." },
    { "Test split", "test", ParameterPattern::anything(), "Split the metric is computed on." },
    { "Head", "linear", ParameterPattern::selection({ "linear", "mlp", "both" }),
      "Head on the frozen SSL representation." },
    { "MLP hidden size", "256", ParameterPattern::integer(1), "Hidden units of the MLP head." },
    { "Head epochs", "30", ParameterPattern::integer(1), "Epochs of head training." },
    { "Head learning rate", "7e-4", ParameterPattern::real(0), "Adam learning rate of the head." },
    { "Head batch size", "64", ParameterPattern::integer(1), "Batch size of head training." },
    { "Supervised epochs", "30", ParameterPattern::integer(0),
      "Epochs of the supervised baseline (0: no baseline)." },
    { "Supervised learning rate", "1e-3", ParameterPattern::real(0),
      "AdamW learning rate of the supervised baseline." },
    { "Supervised batch size", "32", ParameterPattern::integer(2),
      "Batch size of the supervised baseline." },
    { "Supervised augmentation", "true", ParameterPattern::boolean(),
      "Train the baseline on the same symmetry views as pre-training (else plain samples)." },
    { "Number of seeds", "3", ParameterPattern::integer(1),
      "Independent repetitions (head and baseline initialisation and order); spread over the "
      "MPI ranks." },
    { "Encoder file", "", ParameterPattern::anything(),
      "TorchScript encoder to evaluate; empty: <Output directory>/encoder.pt." },
  };
}

namespace
{
int rank_of(MPI_Comm comm)
{
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}
int size_of(MPI_Comm comm)
{
  int s = 1;
  MPI_Comm_size(comm, &s);
  return s;
}

double seconds_since(std::chrono::steady_clock::time_point start)
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::vector<const Trajectory *> pointers(const TrajectorySplits &data, const std::string &split,
                                         std::int64_t limit, const std::string &what)
{
  auto found = data.find(split);
  if (found == data.end() || found->second.empty())
    throw std::invalid_argument(what + ": the data have no (or an empty) split '" + split + "'");
  std::vector<const Trajectory *> list;
  for (const Trajectory &t : found->second)
  {
    if (limit > 0 && static_cast<std::int64_t>(list.size()) >= limit)
      break;
    list.push_back(&t);
  }
  return list;
}

/// Views of a list of trajectories through one Augmentation.
struct ViewSource
{
  const symmetries::Augmentation *augmentation;
  std::vector<const Trajectory *> trajectories;
  torch::Device device;

  symmetries::SampleBatch batch(const std::vector<std::int64_t> &indices) const
  {
    std::vector<const Trajectory *> subset;
    for (std::int64_t i : indices)
      subset.push_back(trajectories.at(static_cast<std::size_t>(i)));
    return symmetries::make_batch(subset, torch::kFloat, device);
  }
  torch::Tensor views(const std::vector<std::int64_t> &indices,
                      const std::vector<std::uint64_t> &seeds) const
  {
    return augmentation->view(batch(indices), seeds);
  }
  torch::Tensor plain(const std::vector<std::int64_t> &indices) const
  {
    return augmentation->plain_view(batch(indices));
  }
  std::int64_t size() const { return static_cast<std::int64_t>(trajectories.size()); }
};

std::unique_ptr<symmetries::Augmentation> make_augmentation(const PipelineSettings &settings)
{
  return std::make_unique<symmetries::Augmentation>(
      settings.symmetries,
      PluginFamily<symmetries::SymmetryGroup>::create(settings.group_name, settings.group));
}

/// Per-channel mean and standard deviation of plain views (at most 256 samples).
std::pair<torch::Tensor, torch::Tensor> channel_statistics(const ViewSource &source)
{
  std::vector<std::int64_t> indices;
  for (std::int64_t i = 0; i < std::min<std::int64_t>(256, source.size()); ++i)
    indices.push_back(i);
  const torch::Tensor v = source.plain(indices).to(torch::kDouble);
  std::vector<std::int64_t> dims{ 0 };
  for (std::int64_t d = 2; d < v.dim(); ++d)
    dims.push_back(d);
  return { v.mean(dims).to(torch::kFloat), v.std(dims).to(torch::kFloat) };
}

std::string output_directory(const PipelineSettings &settings)
{
  return settings.pretraining.get("Output directory");
}

void make_directory(const std::string &dir, MPI_Comm comm)
{
  if (rank_of(comm) == 0)
    std::filesystem::create_directories(dir);
  MPI_Barrier(comm);
}

std::string json_array(const std::vector<double> &v)
{
  std::ostringstream s;
  s << std::setprecision(10) << "[";
  for (std::size_t i = 0; i < v.size(); ++i)
    s << (i ? ", " : "") << (std::isfinite(v[i]) ? v[i] : 0.0);
  s << "]";
  return s.str();
}

std::string json_string(const std::string &text)
{
  std::string out = "\"";
  for (char c : text)
  {
    if (c == '"' || c == '\\')
      out += '\\';
    if (c == '\n')
    {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

void write_text(const std::string &path, const std::string &text)
{
  write_file_atomically(path, text);
}

std::pair<double, double> mean_std(const std::vector<double> &v)
{
  double m = 0;
  for (double x : v)
    m += x / v.size();
  double s = 0;
  for (double x : v)
    s += (x - m) * (x - m);
  return { m, v.size() > 1 ? std::sqrt(s / (v.size() - 1)) : 0.0 };
}

std::vector<double> tensor_column(const torch::Tensor &t, std::int64_t column)
{
  const torch::Tensor c = t.select(1, column).to(torch::kDouble).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}
} // namespace

PretrainingSummary pretrain(const PipelineSettings &settings, const TrajectorySplits &data,
                            MPI_Comm comm)
{
  const ParameterValues &p = settings.pretraining;
  const int rank = rank_of(comm), size = size_of(comm);
  set_threads_per_rank(static_cast<int>(p.get_integer("Threads per rank")), comm);
  const torch::Device device = select_device(comm);
  const std::string dir = output_directory(settings);
  make_directory(dir, comm);

  auto augmentation = make_augmentation(settings);
  ViewSource source{
    augmentation.get(),
    pointers(data, p.get("Split"), p.get_integer("Number of samples"), "Pretraining"), device
  };
  const torch::Tensor first = source.plain({ 0 });
  const std::vector<std::int64_t> shape(first.sizes().begin() + 1, first.sizes().end());

  const std::uint64_t seed = static_cast<std::uint64_t>(p.get_integer("Seed"));
  torch::manual_seed(seed);
  std::shared_ptr<Encoder> encoder
      = create_encoder(settings.encoder_name, settings.encoder, shape, comm);
  const auto [mean, std] = channel_statistics(source);
  encoder->set_input_statistics(mean, std);
  std::vector<std::int64_t> projector_sizes;
  for (long s : p.get_integers("Projector sizes"))
    projector_sizes.push_back(s);
  VicregModel model(encoder, projector_sizes, comm);
  model.to(device);

  PretrainingOptions options;
  options.epochs = p.get_integer("Epochs");
  options.batch_size = p.get_integer("Batch size");
  options.learning_rate = p.get_double("Learning rate");
  options.weight_decay = p.get_double("Weight decay");
  options.cosine_schedule = p.get("Learning rate schedule") == "cosine";
  options.warmup_epochs = p.get_integer("Warm-up epochs");
  options.weights = { p.get_double("Invariance weight"), p.get_double("Variance weight"),
                      p.get_double("Covariance weight") };
  options.projector_sizes = projector_sizes;
  options.seed = seed;
  options.checkpoint_file = dir + "/pretraining.ckpt";
  options.checkpoint_interval = p.get_integer("Checkpoint interval");
  if (!p.get_bool("Resume") && rank == 0)
    std::filesystem::remove(options.checkpoint_file);
  MPI_Barrier(comm);

  if (rank == 0)
    std::cout << "Pre-training " << settings.encoder_name << " (representation "
              << encoder->representation_dim() << ", samples [" << shape[0] << ", " << shape[1]
              << ", " << shape[2] << (shape.size() > 3 ? ", ..." : "") << "]) on " << source.size()
              << " trajectories, " << size << " rank(s), device " << device.str() << ", "
              << at::get_num_threads() << " thread(s) per rank" << std::endl;
  const ViewFunction views
      = [&](const std::vector<std::int64_t> &indices, const std::vector<std::uint64_t> &seeds)
  { return source.views(indices, seeds); };
  const PretrainingResult result = pretrain_vicreg(model, source.size(), views, options, comm);

  PretrainingSummary summary;
  summary.encoder_file = dir + "/encoder.pt";
  summary.checkpoint_file = options.checkpoint_file;
  summary.loss_history = result.state.loss_history;
  summary.seconds = result.seconds;
  summary.samples_per_second = result.samples_per_second;
  summary.samples = source.size();
  summary.ranks = size;
  if (rank == 0)
  {
    export_torchscript(*encoder, summary.encoder_file);
    std::ostringstream json;
    json << "{\n  \"encoder\": " << json_string(settings.encoder_name)
         << ",\n  \"representation_dim\": " << encoder->representation_dim()
         << ",\n  \"samples\": " << source.size() << ",\n  \"ranks\": " << size
         << ",\n  \"epochs\": " << result.state.epoch
         << ",\n  \"seconds_this_run\": " << result.seconds
         << ",\n  \"samples_per_second\": " << result.samples_per_second
         << ",\n  \"loss\": " << json_array(result.state.loss_history)
         << ",\n  \"invariance_term\": " << json_array(result.invariance_history)
         << ",\n  \"variance_term\": " << json_array(result.variance_history)
         << ",\n  \"covariance_term\": " << json_array(result.covariance_history) << "\n}\n";
    write_text(dir + "/pretraining.json", json.str());
    std::vector<double> epochs;
    for (std::size_t e = 0; e < result.state.loss_history.size(); ++e)
      epochs.push_back(static_cast<double>(e + 1));
    std::vector<plot::Series> series{ { "VICReg loss", epochs, result.state.loss_history } };
    if (result.invariance_history.size() == epochs.size())
    {
      series.push_back({ "invariance term", epochs, result.invariance_history });
      series.push_back({ "variance term", epochs, result.variance_history });
      series.push_back({ "covariance term", epochs, result.covariance_history });
    }
    if (!epochs.empty())
    {
      try
      {
        plot::write_line_plot_png(dir + "/pretraining_loss.png", "VICReg pre-training", "epoch",
                                  "loss", series, true);
      }
      catch (const std::exception &e)
      {
        std::cerr << "Warning: no loss plot: " << e.what() << std::endl;
      }
    }
    std::cout << "Wrote " << summary.encoder_file << " (" << result.samples_per_second
              << " samples/s over " << size << " rank(s))" << std::endl;
  }
  MPI_Barrier(comm);
  return summary;
}

EvaluationSummary evaluate(const PipelineSettings &settings, const TrajectorySplits &data,
                           MPI_Comm comm, const PretrainingSummary *pretraining)
{
  const ParameterValues &e = settings.evaluation;
  const int rank = rank_of(comm), size = size_of(comm);
  set_threads_per_rank(static_cast<int>(settings.pretraining.get_integer("Threads per rank")),
                       comm);
  const torch::Device device = select_device(comm);
  const std::string dir = output_directory(settings);
  make_directory(dir, comm);
  const std::string encoder_file
      = e.get("Encoder file").empty() ? dir + "/encoder.pt" : e.get("Encoder file");

  auto augmentation = make_augmentation(settings);
  ViewSource labelled{
    augmentation.get(),
    pointers(data, e.get("Labelled split"), e.get_integer("Labelled samples"), "Evaluation"), device
  };
  ViewSource test{ augmentation.get(), pointers(data, e.get("Test split"), 0, "Evaluation"),
                   device };
  const std::vector<std::string> target_names = e.get_strings("Targets");
  const torch::Tensor y_labelled = regression_targets(labelled.trajectories, target_names);
  const torch::Tensor y_test = regression_targets(test.trajectories, target_names);
  TargetScaler scaler;
  scaler.log = e.get_bool("Log targets");
  if (scaler.log && (y_labelled.le(0).any().item<bool>() || y_test.le(0).any().item<bool>()))
    throw std::invalid_argument("Evaluation: 'Log targets' needs positive targets; set it to "
                                "false for "
                                + e.get("Targets"));
  scaler.fit(y_labelled);
  const torch::Tensor z_labelled = scaler.forward(y_labelled);
  const std::string metric = e.get("Metric");
  const std::int64_t n_seeds = e.get_integer("Number of seeds");

  auto plain_of = [](const ViewSource &s)
  { return [&s](const std::vector<std::int64_t> &i) { return s.plain(i); }; };

  // Frozen features, computed once (the encoder is deterministic in evaluation mode).
  const auto start_features = std::chrono::steady_clock::now();
  FrozenEncoder frozen(encoder_file, device);
  const auto embed = [&](const torch::Tensor &v) { return frozen.embed(v); };
  torch::Tensor f_labelled
      = predict_in_batches(embed, labelled.size(), plain_of(labelled)).to(torch::kDouble);
  torch::Tensor f_test = predict_in_batches(embed, test.size(), plain_of(test)).to(torch::kDouble);
  const torch::Tensor f_mean = f_labelled.mean(0);
  // Floor the scale: with few labels some features are nearly constant on the labelled set, and
  // dividing by their tiny spread would blow up the test features.
  const torch::Tensor f_std
      = f_labelled.size(0) > 1
            ? f_labelled.std(0).clamp_min(0.1 * f_labelled.std(0).mean().item<double>() + 1e-8)
            : torch::ones_like(f_mean);
  f_labelled = ((f_labelled - f_mean) / f_std).to(torch::kFloat);
  f_test = ((f_test - f_mean) / f_std).to(torch::kFloat);
  const double feature_seconds = seconds_since(start_features);

  std::vector<std::string> methods;
  if (e.get("Head") != "mlp")
    methods.push_back("linear");
  if (e.get("Head") != "linear")
    methods.push_back("mlp");
  const bool supervised = e.get_integer("Supervised epochs") > 0;
  const std::size_t n_methods = methods.size() + (supervised ? 1 : 0);
  std::vector<double> metrics(n_methods * n_seeds, 0.0), seconds(n_methods * n_seeds, 0.0);
  torch::Tensor ssl_prediction, supervised_prediction;
  std::vector<double> head_curve, supervised_curve;

  const auto [in_mean, in_std] = channel_statistics(labelled);
  const std::vector<std::int64_t> shape = frozen.sample_shape();
  for (std::int64_t s = rank; s < n_seeds; s += size)
  {
    for (std::size_t m = 0; m < methods.size(); ++m)
    {
      const auto start = std::chrono::steady_clock::now();
      HeadOptions options;
      options.type = methods[m];
      options.hidden = e.get_integer("MLP hidden size");
      options.epochs = e.get_integer("Head epochs");
      options.batch_size = e.get_integer("Head batch size");
      options.learning_rate = e.get_double("Head learning rate");
      options.seed = static_cast<std::uint64_t>(1000 + s);
      std::vector<double> curve;
      auto head = train_head(f_labelled, z_labelled, options, &curve);
      torch::Tensor prediction;
      {
        torch::NoGradGuard no_grad;
        prediction = scaler.inverse(head->forward(f_test));
      }
      metrics[m * n_seeds + s] = regression_metric(metric, prediction, y_test);
      seconds[m * n_seeds + s] = seconds_since(start) + feature_seconds;
      if (s == 0 && m == 0)
      {
        ssl_prediction = prediction;
        head_curve = curve;
      }
    }
    if (supervised)
    {
      const auto start = std::chrono::steady_clock::now();
      torch::manual_seed(static_cast<std::uint64_t>(2000 + s));
      std::shared_ptr<Encoder> encoder
          = create_encoder(settings.encoder_name, settings.encoder, shape, MPI_COMM_NULL);
      encoder->set_input_statistics(in_mean, in_std);
      SupervisedModel model(encoder, static_cast<std::int64_t>(target_names.size()));
      model.to(device);
      SupervisedOptions options;
      options.epochs = e.get_integer("Supervised epochs");
      options.batch_size = e.get_integer("Supervised batch size");
      options.learning_rate = e.get_double("Supervised learning rate");
      options.augment = e.get_bool("Supervised augmentation");
      options.seed = static_cast<std::uint64_t>(3000 + s);
      const ViewFunction views
          = [&](const std::vector<std::int64_t> &i, const std::vector<std::uint64_t> &seeds)
      { return labelled.views(i, seeds); };
      std::vector<double> curve;
      train_supervised(model, z_labelled, views, plain_of(labelled), options, &curve);
      const auto network = [&](const torch::Tensor &v) { return model.forward(v); };
      const torch::Tensor prediction
          = scaler.inverse(predict_in_batches(network, test.size(), plain_of(test)));
      const std::size_t m = methods.size();
      metrics[m * n_seeds + s] = regression_metric(metric, prediction, y_test);
      seconds[m * n_seeds + s] = seconds_since(start);
      if (s == 0)
      {
        supervised_prediction = prediction;
        supervised_curve = curve;
      }
    }
    if (rank == 0)
      std::cout << "evaluation: seed " << s + 1 << "/" << n_seeds << " done on rank 0" << std::endl;
  }
  // Each (method, seed) was computed by exactly one rank, the others hold 0.
  MPI_Allreduce(MPI_IN_PLACE, metrics.data(), static_cast<int>(metrics.size()), MPI_DOUBLE, MPI_SUM,
                comm);
  MPI_Allreduce(MPI_IN_PLACE, seconds.data(), static_cast<int>(seconds.size()), MPI_DOUBLE, MPI_SUM,
                comm);

  std::vector<std::string> labels;
  for (const std::string &m : methods)
    labels.push_back("SSL (VICReg, frozen) + " + m + " head");
  if (supervised)
    labels.push_back(std::string("Supervised (same encoder, end to end")
                     + (e.get_bool("Supervised augmentation") ? ", symmetry views" : "") + ")");

  const std::string unit = metric == "relative error" ? " %" : "";
  std::ostringstream table;
  table << "| method | labelled samples | " << metric << " (mean ± std over " << n_seeds
        << " seeds) | per seed | seconds per seed |\n|---|---|---|---|---|\n";
  std::vector<double> means;
  for (std::size_t m = 0; m < n_methods; ++m)
  {
    std::vector<double> v(metrics.begin() + m * n_seeds, metrics.begin() + (m + 1) * n_seeds);
    const auto [mu, sigma] = mean_std(v);
    means.push_back(mu);
    double t = 0;
    for (std::int64_t s = 0; s < n_seeds; ++s)
      t += seconds[m * n_seeds + s] / n_seeds;
    table << "| " << labels[m] << " | " << labelled.size() << " | " << std::setprecision(4) << mu
          << " ± " << sigma << unit << " | ";
    for (std::size_t i = 0; i < v.size(); ++i)
      table << (i ? ", " : "") << std::setprecision(4) << v[i];
    table << " | " << std::setprecision(3) << t << " |\n";
  }
  if (supervised && !methods.empty())
  {
    const double ssl = means[0], sup = means.back();
    table << "\nLower is better. Winner on this run: "
          << (ssl < sup ? "SSL + " + methods[0] + " head" : std::string("supervised baseline"))
          << " (" << std::setprecision(4) << ssl << unit << " against " << sup << unit
          << ", test split '" << e.get("Test split") << "', " << test.size()
          << " trajectories, targets " << e.get("Targets") << ").\n";
  }

  EvaluationSummary summary;
  summary.table = table.str();
  summary.results_file = dir + "/results.json";
  if (rank == 0)
  {
    std::ostringstream json;
    json << "{\n  \"targets\": " << json_string(e.get("Targets"))
         << ",\n  \"metric\": " << json_string(metric)
         << ",\n  \"labelled_samples\": " << labelled.size()
         << ",\n  \"test_samples\": " << test.size() << ",\n  \"seeds\": " << n_seeds
         << ",\n  \"encoder_file\": " << json_string(encoder_file) << ",\n  \"methods\": [";
    for (std::size_t m = 0; m < n_methods; ++m)
    {
      std::vector<double> v(metrics.begin() + m * n_seeds, metrics.begin() + (m + 1) * n_seeds);
      const auto [mu, sigma] = mean_std(v);
      json << (m ? "," : "") << "\n    {\"name\": " << json_string(labels[m])
           << ", \"mean\": " << mu << ", \"std\": " << sigma << ", \"per_seed\": " << json_array(v)
           << "}";
    }
    json << "\n  ]";
    if (pretraining)
      json << ",\n  \"pretraining\": {\"samples\": " << pretraining->samples
           << ", \"ranks\": " << pretraining->ranks << ", \"seconds\": " << pretraining->seconds
           << ", \"samples_per_second\": " << pretraining->samples_per_second
           << ", \"loss\": " << json_array(pretraining->loss_history) << "}";
    json << ",\n  \"table\": " << json_string(summary.table) << "\n}\n";
    write_text(summary.results_file, json.str());
    write_text(dir + "/results.md", "# Coefficient regression\n\n" + summary.table);

    try
    {
      const std::vector<double> truth = tensor_column(y_test, 0);
      std::vector<plot::Series> scatter;
      if (ssl_prediction.defined())
        scatter.push_back({ labels[0], truth, tensor_column(ssl_prediction, 0), true });
      if (supervised_prediction.defined())
        scatter.push_back({ "supervised", truth, tensor_column(supervised_prediction, 0), true });
      const double lo = y_test.select(1, 0).min().item<double>(),
                   hi = y_test.select(1, 0).max().item<double>();
      scatter.push_back({ "exact", { lo, hi }, { lo, hi }, false });
      plot::write_line_plot_png(dir + "/regression_scatter.png",
                                "Predicted against true " + target_names[0] + " (test, seed 1)",
                                "true " + target_names[0], "predicted " + target_names[0], scatter,
                                false);
      std::vector<plot::Series> curves;
      auto epochs_of = [](std::size_t n)
      {
        std::vector<double> x;
        for (std::size_t i = 0; i < n; ++i)
          x.push_back(static_cast<double>(i + 1));
        return x;
      };
      if (!head_curve.empty())
        curves.push_back(
            { methods[0] + " head (frozen SSL)", epochs_of(head_curve.size()), head_curve });
      if (!supervised_curve.empty())
        curves.push_back({ "supervised", epochs_of(supervised_curve.size()), supervised_curve });
      if (!curves.empty())
        plot::write_line_plot_png(dir + "/training_curves.png",
                                  "Regression training loss (standardised targets, seed 1)",
                                  "epoch", "MSE", curves, true);
    }
    catch (const std::exception &error)
    {
      std::cerr << "Warning: no regression plots: " << error.what() << std::endl;
    }
  }
  MPI_Barrier(comm);
  return summary;
}
} // namespace sslpde::learning

SSLPDE_REGISTER_PARAMETER_SECTION("Pretraining",
                                  "VICReg self-supervised pre-training on symmetry views "
                                  "(sslpde pretrain / run).",
                                  &sslpde::learning::declare_pretraining_parameters)
SSLPDE_REGISTER_PARAMETER_SECTION("Evaluation",
                                  "Coefficient regression with the frozen encoder against the "
                                  "supervised baseline (sslpde evaluate / run).",
                                  &sslpde::learning::declare_evaluation_parameters)
