// The plugin interface of a PDE's Lie point symmetry group: its generators (name, exact or only
// approximate for the data set, maximum strength) and each generator's finite action. Torch-free,
// so that the driver and documentation tools can list groups without LibTorch.
#pragma once

#include <sslpde/plugin/parameters.h>

#include <cstddef>
#include <string>
#include <vector>

namespace sslpde::symmetries
{
/// One one-parameter subgroup of a PDE's symmetry group.
struct Generator
{
  /// Also the name of its strength parameter ("Space translation").
  std::string name;
  /// The finite action in words, for the parameter documentation ("(t, x + eps t, u + eps)").
  std::string action;
  /// True if the action maps solutions of the data set's problem (equation, boundary conditions,
  /// forcing) to solutions of the same problem; false if it is a symmetry of the equation only.
  bool exact = true;
  /// The strength parameter is a fraction of the sample's domain length (space translations).
  bool relative_to_length = false;
  /// Default maximum strength (SCIENCE.md's typical values).
  double default_strength = 0;
  /// Maximum strength after parsing: eps ~ U(-s, s); 0 switches the generator off.
  double max_strength = 0;
};

/**
 * One generator's finite action restricted to one time frame. All point symmetries used here
 * (translations, Galilean and quadratic boosts, scalings, rotations, Burgers' projective map)
 * map t to a function of t alone, and (x[, y], fields) affinely with coefficients that depend on
 * t. So a frame's action is t -> t~ plus a matrix A acting on v = (1, x[, y], f_0, ..., f_{F-1}):
 * v~ = A v. Composing group elements then costs a few small matrix products per frame, and the
 * data is touched once, whatever the number of generators and splitting steps.
 */
class FrameAction
{
public:
  FrameAction(unsigned int spatial_dimension, std::size_t n_fields);

  /// Sets the frame time and the identity map.
  void reset(double frame_time);

  /// The frame time on input; the generator replaces it with the transformed time.
  double t = 0;

  double &operator()(std::size_t row, std::size_t column) { return a[row * n + column]; }
  double operator()(std::size_t row, std::size_t column) const { return a[row * n + column]; }

  /// Indices into v.
  static constexpr std::size_t one = 0;
  static constexpr std::size_t x = 1;
  static constexpr std::size_t y = 2;
  std::size_t field(std::size_t f) const { return 1 + dimension + f; }

  std::size_t size() const { return n; }
  const std::vector<double> &matrix() const { return a; }

private:
  unsigned int dimension;
  std::size_t n;
  std::vector<double> a;
};

/**
 * A PDE's symmetry group, registered as a plugin of family "Symmetry group". Each generator's
 * maximum strength is a parameter named after the generator; "Only exact generators" switches
 * off those that are only approximate symmetries of the data set.
 */
class SymmetryGroup
{
public:
  static constexpr const char *plugin_family = "Symmetry group";

  virtual ~SymmetryGroup() = default;

  /// Reads each generator's maximum strength and "Only exact generators".
  virtual void parse_parameters(const ParameterValues &values);

  virtual unsigned int spatial_dimension() const = 0;
  /// The fields the actions act on, in the order of FrameAction::field(f). Each entry lists the
  /// names a data set may use for that field (the first one is the canonical name).
  virtual std::vector<std::vector<std::string>> field_names() const = 0;
  /// True if the data live on periodic grids (Fourier shifts are then allowed).
  virtual bool periodic() const = 0;

  /// Writes generator g's action with strength eps on the frame at time action.t (which the
  /// caller has reset to the identity).
  virtual void frame_action(std::size_t g, double eps, FrameAction &action) const = 0;

  const std::vector<Generator> &generators() const { return generator_list; }
  std::size_t n_generators() const { return generator_list.size(); }
  /// Index of a generator by name; throws listing the names.
  std::size_t generator_index(const std::string &name) const;
  /// Sets a generator's maximum strength (0: off), e.g. for tests and benchmarks.
  void set_max_strength(const std::string &name, double strength);

  /// Index of a field name in field_names(), or -1.
  int field_index(const std::string &name) const;

protected:
  explicit SymmetryGroup(std::vector<Generator> generators);

  /// Parameter declarations of a generator list: one strength entry per generator (documented
  /// with its action and whether it is exact) plus "Only exact generators".
  static ParameterDeclarations
  declare_generator_parameters(const std::vector<Generator> &generators);

private:
  std::vector<Generator> generator_list;
};
} // namespace sslpde::symmetries
