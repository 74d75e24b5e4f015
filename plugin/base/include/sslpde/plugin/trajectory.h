// The data model at the seam between the deal.II solvers and the LibTorch learning code: one
// simulated (or measured) trajectory on a uniform space-time grid, with everything needed to
// reproduce it. Plain C++ only, so that every module can include it cheaply.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sslpde
{
  /**
   * One trajectory of a PDE on a uniform grid.
   *
   * Fields are stored row-major as [nt][nx] (1D) or [nt][nx][ny] (2D), in double precision, one
   * contiguous vector per named field, so that learning can wrap them with torch::from_blob.
   * 1D problems have ny == 1 and an empty y. Periodic grids store x_j = j L / nx (no endpoint).
   */
  struct Trajectory
  {
    /// PDE name as registered in the solver family ("burgers", "kdv", "ks", "navier_stokes").
    std::string pde;

    unsigned int spatial_dimension = 1;
    std::size_t nt = 0;
    std::size_t nx = 0;
    std::size_t ny = 1;

    /// Names of the stored fields: {"u"} in 1D; {"u", "vx", "vy", "p"} for Navier-Stokes, where u
    /// is the smoke density (PDEArena's naming).
    std::vector<std::string> field_names;
    /// One vector of nt * nx * ny values per name in field_names.
    std::vector<std::vector<double>> fields;

    std::vector<double> t;
    std::vector<double> x;
    std::vector<double> y;

    double dt = 0;
    double dx = 0;
    double dy = 0;
    /// Domain lengths and final simulated time (T of SCIENCE.md).
    double length_x = 0;
    double length_y = 0;
    double final_time = 0;

    /// PDE coefficients: the regression targets ("nu", "beta", ...).
    std::map<std::string, double> coefficients;
    /// Initial-condition parameters ("A", "phi", "l", ...), each a vector.
    std::map<std::string, std::vector<double>> initial_condition;

    std::uint64_t seed = 0;
    /// The generator's configuration as text (the .prm section it was made with).
    std::string generator_configuration;

    /// Allocates zeroed fields for the given shape and names.
    void allocate(std::size_t n_times, std::size_t n_x, std::size_t n_y,
                  const std::vector<std::string> &names);

    std::size_t values_per_frame() const { return nx * ny; }
    std::size_t values_per_field() const { return nt * nx * ny; }

    /// Index of a field by name; throws naming the field and the available ones.
    std::size_t field_index(const std::string &name) const;
    std::vector<double> &field(const std::string &name) { return fields[field_index(name)]; }
    const std::vector<double> &field(const std::string &name) const
    {
      return fields[field_index(name)];
    }

    double &operator()(std::size_t f, std::size_t it, std::size_t ix, std::size_t iy = 0)
    {
      return fields[f][(it * nx + ix) * ny + iy];
    }
    double operator()(std::size_t f, std::size_t it, std::size_t ix, std::size_t iy = 0) const
    {
      return fields[f][(it * nx + ix) * ny + iy];
    }

    /// Checks that sizes agree with nt, nx, ny; throws with a message saying what differs.
    void check_consistency() const;

    /// True if every stored value is finite.
    bool all_finite() const;
  };

  /// Trajectories grouped by split name ("train", "valid", "test"), as in a data file.
  using TrajectorySplits = std::map<std::string, std::vector<Trajectory>>;
} // namespace sslpde
