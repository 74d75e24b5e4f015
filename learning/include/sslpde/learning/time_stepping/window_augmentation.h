// Symmetry augmentation of the time-stepper's own training windows (LPSDA's result): the
// symmetries module's resampled views (Fourier shifts, boosts, scalings with dx, dt rescaled)
// applied to whole windows, so history and target are transformed by the same group element.
#pragma once

#include <sslpde/learning/time_stepping/time_stepper_training.h>

#include <memory>

namespace sslpde::symmetries
{
class Augmentation;
}

namespace sslpde::learning
{
/// A WindowAugmentation that draws one group element per window (sample seeds from torch's
/// generator, which the trainer seeds per epoch) and applies `augmentation` in resampled mode.
/// `field_names` names the window's fields for the group; `length_x` is nx * dx per window.
WindowAugmentation
make_window_augmentation(std::shared_ptr<const symmetries::Augmentation> augmentation,
                         std::vector<std::string> field_names);
} // namespace sslpde::learning
