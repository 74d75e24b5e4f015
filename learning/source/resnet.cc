// ResNet-18-style encoders (torchvision's BasicBlock layout): "resnet1d" treats a 1D space-time
// sample [C, nt, nx] as an image with C channels; "resnet2d" folds time into channels,
// [C, nt, nx, ny] -> [C * nt, nx, ny]. Width, blocks per stage, stem and output size configurable.
#include <sslpde/learning/batch_norm.h>
#include <sslpde/learning/encoder.h>
#include <sslpde/plugin/plugin_registry.h>

#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <sstream>
#include <stdexcept>

namespace sslpde::learning
{
namespace
{
std::string script_name(const std::string &key)
{
  std::string name = key;
  for (char &c : name)
    if (c == '.')
      c = '_';
  return name;
}

struct ConvBn
{
  torch::nn::Conv2d conv{ nullptr };
  std::shared_ptr<SyncBatchNorm> bn;
  std::string name;
  std::int64_t stride = 1, padding = 0;

  torch::Tensor operator()(const torch::Tensor &x) const
  {
    return bn->forward(torch::conv2d(x, conv->weight, {}, stride, padding));
  }

  std::string script(const std::string &in) const
  {
    const std::string c = script_name(name + "_conv.weight");
    const std::string b = script_name(name + "_bn");
    std::ostringstream s;
    s << "torch.batch_norm(torch.conv2d(" << in << ", self." << c << ", None, [" << stride << ", "
      << stride << "], [" << padding << ", " << padding << "], [1, 1], 1), self." << b
      << "_weight, self." << b << "_bias, self." << b << "_running_mean, self." << b
      << "_running_var, False, 0.0, " << bn->eps << ", False)";
    return s.str();
  }
};

struct BasicBlock
{
  ConvBn first, second, shortcut;
  bool has_shortcut = false;
};

class ResNetEncoder : public Encoder
{
public:
  explicit ResNetEncoder(bool fold_time_into_channels) : fold_time(fold_time_into_channels) {}

  static ParameterDeclarations declare_parameters()
  {
    return {
      { "Width", "64", ParameterPattern::integer(1, 4096),
        "Channels of the first stage; stage k has Width * 2^k (64 is ResNet-18)." },
      { "Blocks per stage", "2, 2, 2, 2", ParameterPattern::list_of_integers(),
        "Residual blocks in each stage; the number of entries is the number of stages "
        "(ResNet-18: 2, 2, 2, 2)." },
      { "Representation dimension", "0", ParameterPattern::integer(0, 65536),
        "Size of the representation. 0: the channels of the last stage (512 for ResNet-18); "
        "otherwise a linear layer maps the pooled features to this size." },
      { "Stem", "imagenet", ParameterPattern::selection({ "imagenet", "compact" }),
        "imagenet: 7x7 convolution with stride 2 and a 3x3 max-pool (torchvision); compact: one "
        "3x3 convolution with stride 1, for small inputs." },
    };
  }

  void parse_parameters(const ParameterValues &values) override
  {
    width = values.get_integer("Width");
    blocks = values.get_integers("Blocks per stage");
    if (blocks.empty())
      throw std::invalid_argument(values.section()
                                  + ": 'Blocks per stage' needs at least one entry");
    for (long b : blocks)
      if (b < 1)
        throw std::invalid_argument(values.section()
                                    + ": every entry of 'Blocks per stage' must be >= 1");
    requested_dimension = values.get_integer("Representation dimension");
    imagenet_stem = values.get("Stem") == "imagenet";
  }

  void build(const std::vector<std::int64_t> &shape, MPI_Comm comm) override
  {
    if (built)
      throw std::logic_error("ResNet encoder built twice");
    if (!(shape.size() == 3 || (fold_time && shape.size() == 4)))
      throw std::invalid_argument(std::string("Encoder '") + (fold_time ? "resnet2d" : "resnet1d")
                                  + "' expects samples "
                                  + (fold_time ? "[C, nx, ny] or [C, nt, nx, ny]" : "[C, nt, nx]")
                                  + ", got " + std::to_string(shape.size()) + " dimensions");
    input_shape = shape;
    fold = shape.size() == 4;
    const std::int64_t in_channels = fold ? shape[0] * shape[1] : shape[0];
    input_mean = register_buffer("input_mean", torch::zeros({ in_channels }));
    input_std = register_buffer("input_std", torch::ones({ in_channels }));
    stem = make_conv_bn("stem", in_channels, width, imagenet_stem ? 7 : 3, imagenet_stem ? 2 : 1,
                        comm);
    std::int64_t channels = width;
    for (std::size_t s = 0; s < blocks.size(); ++s)
    {
      const std::int64_t out = width << s;
      for (long b = 0; b < blocks[s]; ++b)
      {
        const std::int64_t stride = (s > 0 && b == 0) ? 2 : 1;
        const std::string name = "layer" + std::to_string(s + 1) + "_" + std::to_string(b);
        BasicBlock block;
        block.first = make_conv_bn(name + "_a", channels, out, 3, stride, comm);
        block.second = make_conv_bn(name + "_b", out, out, 3, 1, comm);
        if (stride != 1 || channels != out)
        {
          block.shortcut = make_conv_bn(name + "_down", channels, out, 1, stride, comm);
          block.has_shortcut = true;
        }
        residual_blocks.push_back(block);
        channels = out;
      }
    }
    pooled_dimension = channels;
    if (requested_dimension > 0 && requested_dimension != channels)
      head = register_module("fc", torch::nn::Linear(channels, requested_dimension));
    built = true;
  }

  torch::Tensor forward(const torch::Tensor &views) override
  {
    if (!built)
      throw std::logic_error("ResNet encoder used before build()");
    torch::Tensor x = views.to(stem.conv->weight.scalar_type());
    if (fold)
      x = x.reshape({ x.size(0), x.size(1) * x.size(2), x.size(3), x.size(4) });
    x = (x - input_mean.view({ 1, -1, 1, 1 })) / input_std.view({ 1, -1, 1, 1 });
    x = torch::relu(stem(x));
    if (imagenet_stem)
      x = torch::max_pool2d(x, { 3, 3 }, { 2, 2 }, { 1, 1 });
    for (const BasicBlock &block : residual_blocks)
    {
      torch::Tensor y = torch::relu(block.first(x));
      y = block.second(y);
      x = torch::relu(y + (block.has_shortcut ? block.shortcut(x) : x));
    }
    x = x.mean({ 2, 3 });
    if (head)
      x = head(x);
    return x;
  }

  void set_input_statistics(const torch::Tensor &mean, const torch::Tensor &std) override
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor m = mean.reshape({ -1 }).to(input_mean.options());
    const torch::Tensor s = std.reshape({ -1 }).to(input_std.options());
    if (m.numel() != input_mean.numel() || s.numel() != input_std.numel())
      throw std::invalid_argument("Encoder input statistics: expected "
                                  + std::to_string(input_mean.numel()) + " channels, got "
                                  + std::to_string(m.numel()));
    input_mean.copy_(m);
    input_std.copy_(s.clamp_min(1e-12));
  }

  std::int64_t representation_dim() const override
  {
    return head ? requested_dimension : pooled_dimension;
  }

  std::string script_source() const override
  {
    std::ostringstream s;
    s << "def forward(self, x: Tensor) -> Tensor:\n";
    s << "    x = x.float()\n";
    if (fold)
      s << "    x = x.reshape([x.size(0), x.size(1) * x.size(2), x.size(3), x.size(4)])\n";
    s << "    x = (x - self.input_mean.view([1, -1, 1, 1])) / self.input_std.view([1, -1, 1, "
         "1])\n";
    s << "    x = torch.relu(" << stem.script("x") << ")\n";
    if (imagenet_stem)
      s << "    x = torch.max_pool2d(x, [3, 3], [2, 2], [1, 1], [1, 1], False)\n";
    for (const BasicBlock &block : residual_blocks)
    {
      s << "    y = torch.relu(" << block.first.script("x") << ")\n";
      s << "    y = " << block.second.script("y") << "\n";
      if (block.has_shortcut)
        s << "    x = torch.relu(y + " << block.shortcut.script("x") << ")\n";
      else
        s << "    x = torch.relu(y + x)\n";
    }
    s << "    x = torch.mean(x, [2, 3])\n";
    if (head)
      s << "    x = torch.linear(x, self.fc_weight, self.fc_bias)\n";
    s << "    return x\n";
    return s.str();
  }

  std::vector<std::pair<std::string, torch::Tensor>> script_tensors() const override
  {
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto &p : named_parameters(true))
      tensors.emplace_back(script_name(p.key()), p.value());
    for (const auto &b : named_buffers(true))
      tensors.emplace_back(script_name(b.key()), b.value());
    return tensors;
  }

private:
  ConvBn make_conv_bn(const std::string &name, std::int64_t in, std::int64_t out,
                      std::int64_t kernel, std::int64_t stride, MPI_Comm comm)
  {
    ConvBn c;
    c.name = name;
    c.stride = stride;
    c.padding = kernel / 2;
    c.conv = register_module(name + "_conv",
                             torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                                                   .stride(stride)
                                                   .padding(kernel / 2)
                                                   .bias(false)));
    // He initialisation as torchvision does for ResNets.
    torch::nn::init::kaiming_normal_(c.conv->weight, 0.0, torch::kFanOut, torch::kReLU);
    c.bn = register_module(name + "_bn", std::make_shared<SyncBatchNorm>(out, comm));
    return c;
  }

  bool fold_time;
  bool built = false;
  bool fold = false;
  torch::Tensor input_mean, input_std;
  std::int64_t width = 64;
  std::vector<long> blocks{ 2, 2, 2, 2 };
  std::int64_t requested_dimension = 0;
  std::int64_t pooled_dimension = 0;
  bool imagenet_stem = true;
  ConvBn stem;
  std::vector<BasicBlock> residual_blocks;
  torch::nn::Linear head{ nullptr };
};

class ResNet1d : public ResNetEncoder
{
public:
  ResNet1d() : ResNetEncoder(false) {}
};

class ResNet2d : public ResNetEncoder
{
public:
  ResNet2d() : ResNetEncoder(true) {}
};
} // namespace
} // namespace sslpde::learning

SSLPDE_REGISTER_PLUGIN(sslpde::learning::Encoder, sslpde::learning::ResNet1d, "resnet1d",
                       "ResNet-18-style CNN on a 1D space-time sample [C, nt, nx] treated as an "
                       "image with C channels (the paper's (t, x, u) coordinate channels).")
SSLPDE_REGISTER_PLUGIN(sslpde::learning::Encoder, sslpde::learning::ResNet2d, "resnet2d",
                       "ResNet-18-style CNN on a 2D sample [C, nt, nx, ny] with time folded into "
                       "channels (C * nt input channels), for Navier-Stokes.")
