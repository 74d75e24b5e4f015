// What the learning pipelines (`sslpde pretrain`, `evaluate`, `run`) read from a .prm file:
// their sections and the selected encoder and symmetry group. Torch-free, like the facade.
#pragma once

#include <sslpde/learning/pipeline.h>
#include <sslpde/plugin/parameter_file.h>

namespace sslpde
{
  learning::PipelineSettings read_pipeline_settings(const ParameterFile &file);
} // namespace sslpde
