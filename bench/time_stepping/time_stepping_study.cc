// The quick time-stepping study: VICReg pre-training of a small encoder on the training split
// (symmetry views in coordinate channels), then the time-stepping task (plain, augmented,
// SSL-conditioned, both; several seeds). What `sslpde run` does with a .prm that selects
// pre-training and time-stepping, runnable while the driver's pipeline is being wired.
//   time_stepping_study PDE DATA.h5 OUTPUT_DIR [SSL_EPOCHS] [EPOCHS] [SEEDS] [STEPPER]
//   [CONDITIONING]
#include <sslpde/learning/distributed.h>
#include <sslpde/learning/encoder.h>
#include <sslpde/learning/pretraining.h>
#include <sslpde/learning/time_stepping/time_stepper.h>
#include <sslpde/learning/time_stepping/time_stepping_task.h>
#include <sslpde/plugin/plugin_registry.h>
#include <sslpde/plugin/trajectory_file.h>
#include <sslpde/symmetries/augmentation.h>

#include <mpi.h>

#include <filesystem>
#include <iostream>

using namespace sslpde;

int main(int argc, char **argv)
{
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  int code = 0;
  try
  {
    if (argc < 4)
      throw std::invalid_argument("usage: time_stepping_study PDE DATA.h5 OUTPUT_DIR [SSL_EPOCHS] "
                                  "[EPOCHS] [SEEDS] [STEPPER] [CONDITIONING]");
    const std::string pde = argv[1], data_file = argv[2], output = argv[3];
    const int ssl_epochs = argc > 4 ? std::stoi(argv[4]) : 30;
    const std::string epochs = argc > 5 ? argv[5] : "30";
    const std::string seeds = argc > 6 ? argv[6] : "3";
    const std::string stepper = argc > 7 ? argv[7] : "cnn";
    const std::string conditioning = argc > 8 ? argv[8] : "channels";
    const std::string windows = argc > 9 ? argv[9] : "4";
    learning::set_threads_per_rank(argc > 10 ? std::stoi(argv[10]) : 0, MPI_COMM_WORLD);
    if (rank == 0)
      std::filesystem::create_directories(output);

    // 1. VICReg pre-training on the unlabelled training split.
    const io::TrajectoryFileReader reader(data_file);
    const auto trajectories = reader.read_all("train");
    std::vector<const Trajectory *> pointers;
    for (const auto &t : trajectories)
      pointers.push_back(&t);
    const symmetries::SampleBatch all
        = symmetries::make_batch(pointers, torch::kFloat, torch::kCPU);
    ParameterValues section
        = ParameterValues::defaults(symmetries::declare_augmentation_parameters(), "Symmetries");
    section.set("Time window", "20");
    const symmetries::Augmentation augmentation(
        section, PluginFamily<symmetries::SymmetryGroup>::create_with_defaults(pde));
    auto encoder_values = ParameterValues::defaults(
        PluginFamily<learning::Encoder>::declarations("resnet1d"), "Encoder/resnet1d");
    encoder_values.set("Width", "16");
    encoder_values.set("Blocks per stage", "1, 1, 1");
    encoder_values.set("Representation dimension", "32");
    encoder_values.set("Stem", "compact");
    at::manual_seed(0);
    auto encoder = learning::create_encoder(
        "resnet1d", encoder_values, { 3, 20, static_cast<std::int64_t>(trajectories[0].nx) },
        MPI_COMM_WORLD);
    learning::VicregModel model(encoder, { 64, 64, 64 }, MPI_COMM_WORLD);
    learning::PretrainingOptions options;
    options.epochs = ssl_epochs;
    options.batch_size = 32;
    options.learning_rate = 1e-3;
    options.projector_sizes = { 64, 64, 64 };
    options.progress_label = "VICReg pre-training (" + pde + ")";
    const auto views =
        [&](const std::vector<std::int64_t> &indices, const std::vector<std::uint64_t> &view_seeds)
    {
      const torch::Tensor ids = torch::tensor(indices, torch::kLong);
      symmetries::SampleBatch part;
      part.u = all.u.index_select(0, ids);
      part.t = all.t.index_select(0, ids);
      part.x = all.x.index_select(0, ids);
      part.length_x = all.length_x.index_select(0, ids);
      part.field_names = all.field_names;
      return augmentation.view(part, view_seeds);
    };
    const auto result = learning::pretrain_vicreg(
        model, static_cast<std::int64_t>(trajectories.size()), views, options, MPI_COMM_WORLD);
    if (rank == 0)
      std::cout << "\nVICReg loss " << result.state.loss_history.front() << " -> "
                << result.state.loss_history.back() << " in " << result.seconds << " s\n";
    // The encoder stays in memory (same MPI job); its TorchScript file is written for reuse.
    encoder->eval();
    if (rank == 0)
    {
      try
      {
        learning::export_torchscript(*encoder, output + "/encoder.pt");
      }
      catch (const std::exception &e)
      {
        std::cout << "(encoder TorchScript export failed, continuing in memory: " << e.what()
                  << ")\n";
      }
    }
    MPI_Barrier(MPI_COMM_WORLD);

    // 2. The time-stepping task.
    learning::TimeSteppingTaskInput input;
    input.task
        = ParameterValues::defaults(learning::declare_time_stepping_parameters(), "Time stepping");
    input.task.set("Training data file", data_file);
    input.encoder = encoder;
    input.task.set("Output directory", output);
    input.task.set("Epochs", epochs);
    input.task.set("Seeds", seeds);
    input.task.set("Conditioning", conditioning);
    input.task.set("Milestones", std::to_string(std::stoi(epochs) * 2 / 3));
    input.task.set("Verbose", "false");
    input.task.set("Windows per trajectory", windows);
    input.task.set("Threads per rank", argc > 10 ? argv[10] : "0");
    input.stepper_name = stepper;
    input.stepper_values = ParameterValues::defaults(
        PluginFamily<learning::TimeStepper>::declarations(stepper), "Time stepper/" + stepper);
    input.stepper_values.set("Width", stepper == "cnn" ? "32" : "32");
    if (stepper == "fno 1d")
    {
      input.stepper_values.set("Modes", "12");
      input.stepper_values.set("Layers", "4");
      input.stepper_values.set("Projection width", "32");
    }
    input.symmetry_group_name = pde;
    input.symmetry_group_values = ParameterValues::defaults(
        PluginFamily<symmetries::SymmetryGroup>::declarations(pde), "Symmetry group/" + pde);
    // The solver's data is augmented on its grid (resampled mode): Burgers' projective map
    // deforms the grid and has no resampled form.
    if (pde == "burgers")
      input.symmetry_group_values.set("Projective", "0");
    const auto report = learning::run_time_stepping_task(input, MPI_COMM_WORLD);
    if (rank == 0)
      std::cout << "\n" << report.markdown;
  }
  catch (const std::exception &e)
  {
    std::cerr << "rank " << rank << ": " << e.what() << std::endl;
    code = 1;
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Finalize();
  return code;
}
