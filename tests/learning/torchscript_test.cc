// The exported TorchScript encoder computes what the C++ encoder computes (evaluation mode), loads
// in FrozenEncoder, and runs in Python's torch.jit.load.
#include <sslpde/learning/encoder.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "tiny_model.h"

using namespace sslpde::learning;

namespace
{
std::string run_and_capture(const std::string &command, int &status)
{
  std::string output;
  FILE *pipe = popen(command.c_str(), "r");
  if (!pipe)
  {
    status = -1;
    return output;
  }
  std::array<char, 256> buffer;
  while (fgets(buffer.data(), buffer.size(), pipe))
    output += buffer.data();
  status = pclose(pipe);
  return output;
}
} // namespace

TEST(LearningTorchScript, ExportMatchesEncoderAndLoadsInPython)
{
  auto encoder = fixtures::tiny_encoder(MPI_COMM_NULL);
  encoder->set_input_statistics(torch::tensor({ 0.1, -0.2, 0.3 }),
                                torch::tensor({ 1.5, 0.5, 2.0 }));
  // A few training-mode passes give the batch-norm buffers non-trivial running statistics.
  encoder->train();
  for (int i = 0; i < 3; ++i)
    encoder->forward(torch::randn({ 6, 3, 8, 16 }) * 2 + 1);
  encoder->eval();

  const torch::Tensor input
      = torch::linspace(-1, 1, 2 * 3 * 8 * 16, torch::kFloat).reshape({ 2, 3, 8, 16 });
  const torch::Tensor expected = encoder->forward(input).detach();
  ASSERT_EQ(expected.sizes(), (std::vector<std::int64_t>{ 2, 8 }));

  const std::string file = std::string(SSLPDE_BINARY_DIR) + "/learning_test_encoder.pt";
  export_torchscript(*encoder, file);
  FrozenEncoder frozen(file);
  EXPECT_EQ(frozen.representation_dim(), 8);
  EXPECT_EQ(frozen.sample_shape(), (std::vector<std::int64_t>{ 3, 8, 16 }));
  const torch::Tensor embedded = frozen.embed(input);
  EXPECT_TRUE(torch::allclose(embedded, expected, 1e-5, 1e-6));
  EXPECT_THROW(frozen.embed(torch::zeros({ 3, 8, 16 })), std::invalid_argument);
  EXPECT_THROW(FrozenEncoder(file + ".missing"), std::runtime_error);

  int status = 0;
  run_and_capture("/usr/bin/python3 -c 'import torch' 2>/dev/null", status);
  if (status != 0)
    GTEST_SKIP() << "/usr/bin/python3 has no torch; Python load not checked";
  const std::string script
      = "import torch; m = torch.jit.load('" + file
        + "'); x = torch.linspace(-1, 1, 2*3*8*16).reshape(2, 3, 8, 16); y = m(x); "
          "print(' '.join('%.9g' % v for v in y.flatten().tolist())); "
          "print(m.representation_dim())";
  const std::string output = run_and_capture("/usr/bin/python3 -c \"" + script + "\" 2>&1", status);
  ASSERT_EQ(status, 0) << output;
  std::istringstream in(output);
  const torch::Tensor flat = expected.flatten();
  for (std::int64_t i = 0; i < flat.numel(); ++i)
  {
    double v = 0;
    ASSERT_TRUE(static_cast<bool>(in >> v)) << output;
    EXPECT_NEAR(v, flat[i].item<double>(), 1e-4 * (1 + std::abs(v)));
  }
  int dimension = 0;
  in >> dimension;
  EXPECT_EQ(dimension, 8);
  std::remove(file.c_str());
}
