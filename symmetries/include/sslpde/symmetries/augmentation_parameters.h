// The parameters of the symmetry view pipeline (section "Symmetries"), torch-free so that the
// driver and the parameter documentation can see them without LibTorch.
#pragma once

#include <sslpde/plugin/parameters.h>

namespace sslpde::symmetries
{
/// Parameters of the view pipeline, registered as parameter section "Symmetries": mode
/// (coordinate channels | resampled), Lie–Trotter order, splitting steps, crop windows.
ParameterDeclarations declare_augmentation_parameters();
} // namespace sslpde::symmetries
