// Targets, metrics, heads on frozen features and the supervised baseline.
#include <sslpde/learning/optimizer.h>
#include <sslpde/learning/regression.h>

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/adam.h>

#include <cmath>
#include <complex>
#include <stdexcept>

namespace sslpde::learning
{
torch::Tensor regression_targets(const std::vector<const Trajectory *> &trajectories,
                                 const std::vector<std::string> &names)
{
  if (names.empty())
    throw std::invalid_argument("Evaluation: 'Targets' is empty");
  torch::Tensor y = torch::zeros(
      { static_cast<std::int64_t>(trajectories.size()), static_cast<std::int64_t>(names.size()) },
      torch::kDouble);
  auto acc = y.accessor<double, 2>();
  for (std::size_t i = 0; i < trajectories.size(); ++i)
  {
    const Trajectory &t = *trajectories[i];
    for (std::size_t j = 0; j < names.size(); ++j)
    {
      const std::string &name = names[j];
      if (t.coefficients.count(name))
        acc[i][j] = t.coefficients.at(name);
      else if (name == "L")
        acc[i][j] = t.length_x;
      else if (name.size() >= 2 && name[0] == 'a'
               && name.find_first_not_of("0123456789", 1) == std::string::npos)
      {
        const int l = std::stoi(name.substr(1));
        for (const char *key : { "A", "phi", "l" })
          if (!t.initial_condition.count(key))
            throw std::invalid_argument("Target '" + name + "': trajectory (seed "
                                        + std::to_string(t.seed)
                                        + ") has no initial-condition entry '" + key + "'");
        const auto &A = t.initial_condition.at("A"), &phi = t.initial_condition.at("phi"),
                   &ls = t.initial_condition.at("l");
        std::complex<double> mode(0, 0);
        for (std::size_t k = 0; k < A.size() && k < phi.size() && k < ls.size(); ++k)
          if (static_cast<int>(std::lround(ls[k])) == l)
            mode += A[k] * std::exp(std::complex<double>(0, phi[k]));
        acc[i][j] = std::abs(mode);
      }
      else
      {
        std::string known;
        for (const auto &[key, value] : t.coefficients)
          known += (known.empty() ? "" : ", ") + key;
        throw std::invalid_argument("Target '" + name + "' is not a coefficient of the " + t.pde
                                    + " data (coefficients: " + known + "), nor 'L' or 'a<l>'");
      }
    }
  }
  return y;
}

double regression_metric(const std::string &metric, const torch::Tensor &prediction,
                         const torch::Tensor &truth)
{
  const torch::Tensor p = prediction.to(torch::kDouble), y = truth.to(torch::kDouble);
  if (metric == "relative error")
    return ((p - y).abs() / y.abs()).mean().item<double>() * 100.0;
  if (metric == "nmse")
    return ((p - y).square().sum(1) / y.square().sum(1)).mean().item<double>();
  if (metric == "mse")
    return (p - y).square().mean().item<double>();
  throw std::invalid_argument("Unknown regression metric '" + metric
                              + "' (relative error, nmse, mse)");
}

void TargetScaler::fit(const torch::Tensor &y)
{
  const torch::Tensor v = log ? torch::log(y) : y;
  mean = v.mean(0);
  std = v.size(0) > 1 ? v.std(0).clamp_min(1e-12) : torch::ones_like(mean);
}

torch::Tensor TargetScaler::forward(const torch::Tensor &y) const
{
  return ((log ? torch::log(y) : y) - mean) / std;
}

torch::Tensor TargetScaler::inverse(const torch::Tensor &z) const
{
  const torch::Tensor v = z.to(torch::kDouble) * std + mean;
  return log ? torch::exp(v) : v;
}

torch::nn::Sequential train_head(const torch::Tensor &features, const torch::Tensor &targets,
                                 const HeadOptions &options, std::vector<double> *loss_history)
{
  torch::manual_seed(options.seed);
  const std::int64_t d = features.size(1), k = targets.size(1), n = features.size(0);
  torch::nn::Sequential head;
  if (options.type == "linear")
    head->push_back(torch::nn::Linear(d, k));
  else if (options.type == "mlp")
  {
    head->push_back(torch::nn::Linear(d, options.hidden));
    head->push_back(torch::nn::ReLU());
    head->push_back(torch::nn::Linear(options.hidden, k));
  }
  else
    throw std::invalid_argument("Unknown head '" + options.type + "' (linear, mlp)");
  head->to(features.scalar_type());
  torch::optim::Adam optimizer(head->parameters(),
                               torch::optim::AdamOptions(options.learning_rate));
  const torch::Tensor y = targets.to(features.scalar_type());
  for (std::int64_t epoch = 0; epoch < options.epochs; ++epoch)
  {
    const std::vector<std::int64_t> order = epoch_permutation(n, options.seed, epoch);
    double total = 0;
    std::int64_t batches = 0;
    for (std::int64_t begin = 0; begin < n; begin += options.batch_size)
    {
      const std::int64_t end = std::min(n, begin + options.batch_size);
      const torch::Tensor index
          = torch::tensor(std::vector<std::int64_t>(order.begin() + begin, order.begin() + end));
      const torch::Tensor loss
          = (head->forward(features.index_select(0, index)) - y.index_select(0, index))
                .square()
                .mean();
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      total += loss.item<double>();
      ++batches;
    }
    if (loss_history)
      loss_history->push_back(total / std::max<std::int64_t>(1, batches));
  }
  head->eval();
  return head;
}

SupervisedModel::SupervisedModel(std::shared_ptr<Encoder> encoder_, std::int64_t outputs)
    : encoder(std::move(encoder_))
{
  register_module("encoder", encoder);
  head = register_module("head", torch::nn::Linear(encoder->representation_dim(), outputs));
}

torch::Tensor SupervisedModel::forward(const torch::Tensor &views)
{
  return head->forward(encoder->forward(views));
}

void train_supervised(SupervisedModel &model, const torch::Tensor &targets,
                      const ViewFunction &views,
                      const std::function<torch::Tensor(const std::vector<std::int64_t> &)> &plain,
                      const SupervisedOptions &options, std::vector<double> *loss_history)
{
  const std::int64_t n = targets.size(0);
  std::unique_ptr<torch::optim::AdamW> optimizer
      = make_adamw(model, options.learning_rate, options.weight_decay);
  model.train();
  for (std::int64_t epoch = 0; epoch < options.epochs; ++epoch)
  {
    const std::vector<std::int64_t> order = epoch_permutation(n, options.seed, epoch);
    double total = 0;
    std::int64_t batches = 0;
    for (std::int64_t begin = 0; begin < n; begin += options.batch_size)
    {
      const std::int64_t end = std::min(n, begin + options.batch_size);
      if (end - begin < 2)
        continue; // batch norm needs two samples
      std::vector<std::int64_t> indices(order.begin() + begin, order.begin() + end);
      torch::Tensor input;
      if (options.augment)
      {
        std::vector<std::uint64_t> seeds;
        for (std::int64_t i : indices)
          seeds.push_back(view_seed(options.seed, epoch, i, 0));
        input = views(indices, seeds);
      }
      else
        input = plain(indices);
      const torch::Tensor y = targets.index_select(0, torch::tensor(indices)).to(input.device());
      const torch::Tensor prediction = model.forward(input);
      const torch::Tensor loss = (prediction - y.to(prediction.scalar_type())).square().mean();
      optimizer->zero_grad();
      loss.backward();
      optimizer->step();
      total += loss.item<double>();
      ++batches;
    }
    if (loss_history)
      loss_history->push_back(total / std::max<std::int64_t>(1, batches));
  }
  model.eval();
}

torch::Tensor
predict_in_batches(const std::function<torch::Tensor(const torch::Tensor &)> &network,
                   std::int64_t n,
                   const std::function<torch::Tensor(const std::vector<std::int64_t> &)> &plain,
                   std::int64_t batch_size)
{
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> outputs;
  for (std::int64_t begin = 0; begin < n; begin += batch_size)
  {
    std::vector<std::int64_t> indices;
    for (std::int64_t i = begin; i < std::min(n, begin + batch_size); ++i)
      indices.push_back(i);
    outputs.push_back(network(plain(indices)).to(torch::kCPU));
  }
  return torch::cat(outputs, 0);
}
} // namespace sslpde::learning
