// VICReg against a hand computation (SCIENCE.md section 3), including the unbiased covariance over
// the actual batch size and the off-diagonal-only covariance penalty.
#include <sslpde/learning/vicreg.h>

#include <gtest/gtest.h>

#include <cmath>

using namespace sslpde::learning;

namespace
{
// Two batches of B = 4 embeddings of dimension d = 3.
const std::vector<double> z_values{ 1, 0, 2, 0, 1, -1, 1, 1, 0.5, 2, -1, 0 };
const std::vector<double> z_prime_values{ 0, 0, 1, 1, 0, -1, 1, 1, 1, 0.5, -0.5, 0 };

torch::Tensor as_tensor(const std::vector<double> &v)
{
  return torch::tensor(v, torch::kDouble).reshape({ 4, 3 });
}

// The same terms with explicit loops, independent of the tensor code.
void hand_terms(const std::vector<double> &a, const std::vector<double> &b, double &inv,
                double &var, double &cov)
{
  const int B = 4, d = 3;
  inv = 0;
  for (int i = 0; i < B * d; ++i)
    inv += (a[i] - b[i]) * (a[i] - b[i]);
  inv /= B * d;
  auto var_term = [&](const std::vector<double> &z)
  {
    double total = 0;
    for (int j = 0; j < d; ++j)
    {
      double mean = 0, s = 0;
      for (int i = 0; i < B; ++i)
        mean += z[i * d + j] / B;
      for (int i = 0; i < B; ++i)
        s += (z[i * d + j] - mean) * (z[i * d + j] - mean) / (B - 1);
      total += std::max(0.0, 1.0 - std::sqrt(s + 1e-4));
    }
    return total / d;
  };
  auto cov_term = [&](const std::vector<double> &z)
  {
    double mean[3] = { 0, 0, 0 };
    for (int i = 0; i < B; ++i)
      for (int j = 0; j < d; ++j)
        mean[j] += z[i * d + j] / B;
    double total = 0;
    for (int j = 0; j < d; ++j)
      for (int k = 0; k < d; ++k)
        if (j != k)
        {
          double c = 0;
          for (int i = 0; i < B; ++i)
            c += (z[i * d + j] - mean[j]) * (z[i * d + k] - mean[k]);
          c /= (B - 1);
          total += c * c;
        }
    return total;
  };
  var = (var_term(a) + var_term(b)) / 2;
  cov = (cov_term(a) + cov_term(b)) / d;
}
} // namespace

TEST(LearningVicreg, MatchesHandComputation)
{
  const VicregLoss loss = vicreg_loss(as_tensor(z_values), as_tensor(z_prime_values));
  double inv, var, cov;
  hand_terms(z_values, z_prime_values, inv, var, cov);
  // Values also checked with NumPy: 0.5625, 0.1934055332097234, 0.5269097222222222.
  EXPECT_NEAR(loss.invariance.item<double>(), 0.5625, 1e-14);
  EXPECT_NEAR(loss.variance.item<double>(), 0.1934055332097234, 1e-12);
  EXPECT_NEAR(loss.covariance.item<double>(), 0.5269097222222222, 1e-12);
  EXPECT_NEAR(inv, 0.5625, 1e-14);
  EXPECT_NEAR(var, 0.1934055332097234, 1e-12);
  EXPECT_NEAR(cov, 0.5269097222222222, 1e-12);
  EXPECT_NEAR(loss.total.item<double>(), 19.424548052465305, 1e-11);
}

TEST(LearningVicreg, CustomWeightsAndShortBatch)
{
  // A short (last) batch: the covariance must use its own B - 1 = 1, not a configured size.
  const torch::Tensor a = torch::tensor({ 1.0, 2.0, 3.0, 5.0 }, torch::kDouble).reshape({ 2, 2 });
  const torch::Tensor b = torch::zeros({ 2, 2 }, torch::kDouble);
  const VicregLoss loss = vicreg_loss(a, b, VicregWeights{ 1.0, 0.0, 2.0 });
  // C(a) = [[2, 3], [3, 4.5]] (deviations (-1,-1.5),(1,1.5), divided by 1); C(b) = 0.
  EXPECT_NEAR(loss.covariance.item<double>(), (3.0 * 3.0 * 2) / 2.0, 1e-12);
  EXPECT_NEAR(loss.total.item<double>(), loss.invariance.item<double>() + 2 * 9.0, 1e-12);
}

TEST(LearningVicreg, GradientIsFinite)
{
  torch::Tensor z = as_tensor(z_values).requires_grad_(true);
  const VicregLoss loss = vicreg_loss(z, as_tensor(z_prime_values));
  loss.total.backward();
  EXPECT_TRUE(torch::isfinite(z.grad()).all().item<bool>());
  EXPECT_GT(z.grad().abs().sum().item<double>(), 0);
}

TEST(LearningVicreg, RejectsBatchOfOne)
{
  EXPECT_THROW(vicreg_loss(torch::ones({ 1, 3 }), torch::ones({ 1, 3 })), std::invalid_argument);
}

TEST(LearningProjector, LayoutLinearBnReluThenLinearWithoutBias)
{
  torch::nn::Sequential p = make_projector({ 8, 16, 16, 4 }, MPI_COMM_NULL);
  // 2 hidden blocks of (Linear, BN, ReLU) + final Linear.
  EXPECT_EQ(p->size(), 7u);
  const auto params = p->named_parameters(true);
  EXPECT_FALSE(params.contains("6.bias"));
  EXPECT_TRUE(params.contains("0.bias"));
  EXPECT_EQ(p->forward(torch::randn({ 5, 8 })).sizes(), (std::vector<std::int64_t>{ 5, 4 }));
}
