// The symmetries every 1D equation u_t + u u_x + (linear terms in x-derivatives) = 0 shares on a
// periodic domain: time translation, space translation and the Galilean boost. Burgers, KdV and
// KS derive from it and add their own generators (scaling, projective).
#pragma once

#include <sslpde/symmetries/symmetry_group.h>

namespace sslpde::symmetries
{
class OneDimensionalGroup : public SymmetryGroup
{
public:
  enum : std::size_t
  {
    time_translation = 0,
    space_translation = 1,
    galilean_boost = 2,
    first_specific = 3
  };

  unsigned int spatial_dimension() const override { return 1; }
  std::vector<std::vector<std::string>> field_names() const override { return { { "u" } }; }
  bool periodic() const override { return true; }

  void frame_action(std::size_t g, double eps, FrameAction &action) const override;

protected:
  /// The three shared generators (time translation off by default: the random time window
  /// already picks the time origin), followed by `specific`.
  static std::vector<Generator> with_common_generators(std::vector<Generator> specific);

  explicit OneDimensionalGroup(std::vector<Generator> specific)
      : SymmetryGroup(with_common_generators(std::move(specific)))
  {
  }

  /// Action of generator first_specific + g.
  virtual void specific_action(std::size_t g, double eps, FrameAction &action) const = 0;
};
} // namespace sslpde::symmetries
