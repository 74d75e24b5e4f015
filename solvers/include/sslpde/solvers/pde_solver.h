// The interface of the "PDE solver" plugin family: a solver turns a seed into one trajectory,
// sampled on the uniform grid of its data set. deal.II stays behind this header (plain C++ and
// MPI only), so the driver and the ensemble generator need not see it.
#pragma once

#include <sslpde/plugin/parameters.h>
#include <sslpde/plugin/trajectory.h>

#include <mpi.h>

#include <cstdint>
#include <string>

namespace sslpde::solvers
{
  class PDESolver
  {
  public:
    static constexpr const char *plugin_family = "PDE solver";

    virtual ~PDESolver() = default;

    /// Reads the values of the plugin's own subsection (declared by its static
    /// declare_parameters()).
    virtual void parse_parameters(const ParameterValues &values) = 0;

    /**
     * Draws the random parameters of one trajectory (initial condition, coefficients, L, T) from
     * `seed` alone and solves. The same seed gives the same trajectory on any rank and for any
     * size of `communicator` (the ranks that share this one trajectory; MPI_COMM_SELF for 1D).
     * Throws std::runtime_error if the solution diverges or becomes non-finite.
     */
    virtual Trajectory generate(std::uint64_t seed, MPI_Comm communicator) = 0;

    /// Ranks that should share one trajectory (1 for the 1D solvers).
    virtual unsigned int ranks_per_trajectory() const { return 1; }
  };
} // namespace sslpde::solvers
