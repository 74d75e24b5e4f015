// step-1: bringing sslpde trajectories into a deal.II program.
//
// A trajectory file (written by `sslpde generate`, or by LPSDA's generator) holds fields on a
// uniform periodic grid. This program reads one trajectory with sslpde's reader, puts a few of
// its frames into a deal.II finite element field on a periodic 1D mesh whose vertices are the
// grid points, and writes them as VTU files for ParaView. It is the smallest complete program
// that links the installed sslpde package (find_package(sslpde), target sslpde::plugin).
#include <sslpde/plugin/trajectory_file.h>

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/tria.h>
#include <deal.II/lac/vector.h>
#include <deal.II/numerics/data_out.h>

#include <filesystem>
#include <fstream>
#include <iostream>

int main(int argc, char **argv)
{
  if (argc != 3)
    {
      std::cerr << "usage: step-1 TRAJECTORIES.h5 OUTPUT_DIRECTORY\n";
      return 1;
    }
  try
    {
      const sslpde::io::TrajectoryFileReader reader(argv[1]);
      const std::string split = reader.splits().front();
      const sslpde::Trajectory trajectory = reader.read(split, 0);
      std::cout << "step-1: trajectory 0 of split '" << split << "' of '" << trajectory.pde
                << "': " << trajectory.nt << " frames of " << trajectory.nx
                << " points, L = " << trajectory.length_x << "\n";

      // One cell per grid interval: the Q1 vertex values are then exactly the stored samples,
      // and the periodic endpoint takes the value of x = 0.
      dealii::Triangulation<1> mesh;
      dealii::GridGenerator::subdivided_hyper_cube(mesh, trajectory.nx, 0.0, trajectory.length_x);
      dealii::FE_Q<1> fe(1);
      dealii::DoFHandler<1> dof_handler(mesh);
      dof_handler.distribute_dofs(fe);

      std::filesystem::create_directories(argv[2]);
      const std::size_t stride = std::max<std::size_t>(1, trajectory.nt / 4);
      for (std::size_t frame = 0; frame < trajectory.nt; frame += stride)
        {
          dealii::Vector<double> u(dof_handler.n_dofs());
          for (const auto &cell : dof_handler.active_cell_iterators())
            for (unsigned int v = 0; v < 2; ++v)
              {
                const double x = cell->vertex(v)[0];
                const std::size_t j =
                  static_cast<std::size_t>(std::lround(x / trajectory.dx)) % trajectory.nx;
                u[cell->vertex_dof_index(v, 0)] = trajectory(0, frame, j);
              }
          dealii::DataOut<1> data_out;
          data_out.attach_dof_handler(dof_handler);
          data_out.add_data_vector(u, "u");
          data_out.build_patches();
          const std::string name = std::string(argv[2]) + "/frame_" + std::to_string(frame) + ".vtu";
          std::ofstream out(name);
          data_out.write_vtu(out);
          std::cout << "step-1: wrote " << name << " (t = " << trajectory.t[frame] << ")\n";
        }
    }
  catch (const std::exception &e)
    {
      std::cerr << "step-1: " << e.what() << "\n";
      return 1;
    }
  return 0;
}
