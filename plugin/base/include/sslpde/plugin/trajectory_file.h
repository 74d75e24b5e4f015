// HDF5 files of trajectories, in the layouts our users' tools already read: LPSDA's for 1D
// (group per split, `pde_{nt}-{nx}` [N, nt, nx], `x`, `t`, `dx`, `dt`) and PDEArena's for 2D
// (`u`, `vx`, `vy` [N, nt, nx, ny], `t`, `x`, `y`, `dt`, `dx`, `dy`, `buo_y`), plus our metadata.
// Files are written under a temporary name and renamed when complete, so a crash never leaves a
// file that looks whole; readers check every shape and name the file and dataset at fault.
#pragma once

#include <sslpde/plugin/trajectory.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sslpde::io
{
  /// How field values are stored on disk (computation is always in double).
  enum class Precision
  {
    float32,
    float64
  };

  /**
   * Writes a trajectory file incrementally: declare each split with its size and the shape of its
   * trajectories, write trajectories at their index in any order, then commit(). Without
   * commit() (an exception, a killed job) the temporary file is removed and the target untouched.
   */
  class TrajectoryFileWriter
  {
  public:
    explicit TrajectoryFileWriter(const std::string &filename);
    ~TrajectoryFileWriter();
    TrajectoryFileWriter(const TrajectoryFileWriter &) = delete;
    TrajectoryFileWriter &operator=(const TrajectoryFileWriter &) = delete;

    /// Creates the datasets of a split of n_trajectories shaped like `shape` (its sizes, field
    /// names, dimension, coefficient and initial-condition names; values are not written).
    void begin_split(const std::string &split, std::size_t n_trajectories, const Trajectory &shape,
                     Precision precision);
    /// Writes one trajectory at position index of a split begun before.
    void write(const std::string &split, std::size_t index, const Trajectory &trajectory);
    /// Closes the file and renames it to its final name.
    void commit();

    const std::string &filename() const { return final_name; }

  private:
    struct Implementation;
    std::unique_ptr<Implementation> implementation;
    std::string final_name;
  };

  /// Writes all splits in one go (atomic); 1D default precision float64 (as LPSDA), 2D float32
  /// (as PDEArena).
  void write_trajectory_file(const std::string &filename, const TrajectorySplits &splits);

  /// What `sslpde inspect` shows about one split.
  struct SplitSummary
  {
    std::string name;
    std::string layout; // "LPSDA 1D" or "PDEArena 2D"
    std::string pde;
    std::size_t n_trajectories = 0, nt = 0, nx = 0, ny = 1;
    std::vector<std::string> field_names;
    std::vector<std::string> datasets;
    double t_min = 0, t_max = 0, x_min = 0, x_max = 0;
    double dt_min = 0, dt_max = 0, dx_min = 0, dx_max = 0;
    struct Range
    {
      std::string name;
      double min = 0, max = 0;
    };
    std::vector<Range> field_ranges;
    std::vector<Range> coefficient_ranges;
    std::vector<std::string> initial_condition_names;
    bool has_seeds = false;
  };

  /**
   * Reads trajectory files written by sslpde, LPSDA's generator or PDEArena. Files without our
   * metadata get what can be derived: L = nx dx, T = last stored time, the PDE from the file name.
   */
  class TrajectoryFileReader
  {
  public:
    explicit TrajectoryFileReader(const std::string &filename);
    ~TrajectoryFileReader();
    TrajectoryFileReader(const TrajectoryFileReader &) = delete;
    TrajectoryFileReader &operator=(const TrajectoryFileReader &) = delete;

    std::vector<std::string> splits() const;
    bool has_split(const std::string &split) const;
    std::size_t size(const std::string &split) const;
    Trajectory read(const std::string &split, std::size_t index) const;
    std::vector<Trajectory> read_all(const std::string &split) const;
    SplitSummary summarize(const std::string &split) const;

    const std::string &filename() const { return name; }

  private:
    struct Implementation;
    std::unique_ptr<Implementation> implementation;
    std::string name;
  };

  /// All splits of a file.
  TrajectorySplits read_trajectory_file(const std::string &filename);
} // namespace sslpde::io
