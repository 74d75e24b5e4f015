// Collects the pipeline's sections and selected plugins from a parsed .prm file.
#include <sslpde/plugin/pipeline_settings.h>

namespace sslpde
{
  learning::PipelineSettings read_pipeline_settings(const ParameterFile &file)
  {
    learning::PipelineSettings settings;
    settings.pretraining = file.section("Pretraining");
    settings.evaluation = file.section("Evaluation");
    settings.symmetries = file.section("Symmetries");
    settings.encoder_name = file.selected_plugin("Encoder");
    settings.encoder = file.selected_plugin_values("Encoder");
    settings.group_name = file.selected_plugin("Symmetry group");
    settings.group = file.selected_plugin_values("Symmetry group");
    return settings;
  }
} // namespace sslpde
