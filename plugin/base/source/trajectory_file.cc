// HDF5 reading and writing of trajectory files through the HDF5 C library.
#include <sslpde/plugin/parameters.h>
#include <sslpde/plugin/trajectory_file.h>

#include <hdf5.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace sslpde::io
{
  namespace
  {
    /// Owns an HDF5 identifier and closes it with the matching function.
    class Handle
    {
    public:
      Handle() = default;
      Handle(hid_t id, herr_t (*close)(hid_t)) : id(id), close(close) {}
      Handle(Handle &&other) noexcept : id(other.id), close(other.close) { other.id = -1; }
      Handle &operator=(Handle &&other) noexcept
      {
        reset();
        id = other.id;
        close = other.close;
        other.id = -1;
        return *this;
      }
      ~Handle() { reset(); }
      void reset()
      {
        if (id >= 0 && close)
          close(id);
        id = -1;
      }
      hid_t get() const { return id; }
      bool valid() const { return id >= 0; }

    private:
      hid_t id = -1;
      herr_t (*close)(hid_t) = nullptr;
    };

    /// HDF5 prints its own error stack by default; our messages say what matters instead.
    void silence_hdf5()
    {
      static const bool done = [] {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        return true;
      }();
      (void)done;
    }

    [[noreturn]] void fail(const std::string &file, const std::string &what)
    {
      throw std::runtime_error("HDF5 file '" + file + "': " + what);
    }

    /// Names of the links directly in a group.
    std::vector<std::string> link_names(hid_t group)
    {
      std::vector<std::string> names;
      H5Literate(
        group, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr,
        [](hid_t, const char *name, const H5L_info_t *, void *data) -> herr_t {
          static_cast<std::vector<std::string> *>(data)->push_back(name);
          return 0;
        },
        &names);
      return names;
    }

    void write_string_attribute(hid_t object, const std::string &name, const std::string &value)
    {
      Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
      H5Tset_size(type.get(), std::max<std::size_t>(value.size(), 1));
      H5Tset_strpad(type.get(), H5T_STR_NULLTERM);
      Handle space(H5Screate(H5S_SCALAR), H5Sclose);
      Handle attribute(
        H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
        H5Aclose);
      const std::string padded = value.empty() ? std::string(1, '\0') : value;
      H5Awrite(attribute.get(), type.get(), padded.data());
    }

    bool read_string_attribute(hid_t object, const std::string &name, std::string &value)
    {
      if (H5Aexists(object, name.c_str()) <= 0)
        return false;
      Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
      Handle type(H5Aget_type(attribute.get()), H5Tclose);
      if (H5Tget_class(type.get()) != H5T_STRING)
        return false;
      if (H5Tis_variable_str(type.get()) > 0)
        {
          Handle memtype(H5Tcopy(H5T_C_S1), H5Tclose);
          H5Tset_size(memtype.get(), H5T_VARIABLE);
          char *text = nullptr;
          H5Aread(attribute.get(), memtype.get(), &text);
          value = text ? text : "";
          H5free_memory(text);
          return true;
        }
      const std::size_t size = H5Tget_size(type.get());
      std::string buffer(size, '\0');
      H5Aread(attribute.get(), type.get(), buffer.data());
      value = buffer.substr(0, buffer.find('\0'));
      return true;
    }

    void write_integer_attribute(hid_t object, const std::string &name, long long value)
    {
      Handle space(H5Screate(H5S_SCALAR), H5Sclose);
      Handle attribute(H5Acreate2(object, name.c_str(), H5T_NATIVE_LLONG, space.get(),
                                  H5P_DEFAULT, H5P_DEFAULT),
                       H5Aclose);
      H5Awrite(attribute.get(), H5T_NATIVE_LLONG, &value);
    }

    std::string lowercase(std::string s)
    {
      std::transform(s.begin(), s.end(), s.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      return s;
    }

    std::string join(const std::vector<std::string> &items, char separator)
    {
      std::string out;
      for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? std::string(1, separator) : "") + items[i];
      return out;
    }

    std::string field_dataset_name_1d(std::size_t nt, std::size_t nx)
    {
      return "pde_" + std::to_string(nt) + "-" + std::to_string(nx);
    }

    /// The field names a 1D split stores under LPSDA's single dataset name.
    bool is_lpsda_field_dataset(const std::string &name)
    {
      return name.rfind("pde_", 0) == 0;
    }
  } // namespace

  // ---------------------------------------------------------------------------------------------
  // Writer

  struct TrajectoryFileWriter::Implementation
  {
    std::string temporary_name;
    Handle file;
    bool committed = false;

    struct SplitLayout
    {
      Trajectory shape;
      std::size_t n = 0;
      std::vector<bool> written;
    };
    std::map<std::string, SplitLayout> splits;

    Handle create_dataset(hid_t group, const std::string &name, hid_t type,
                          const std::vector<hsize_t> &dims)
    {
      Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                   H5Sclose);
      Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
      H5Pset_create_intermediate_group(lcpl.get(), 1);
      Handle dataset(H5Dcreate2(group, name.c_str(), type, space.get(), lcpl.get(), H5P_DEFAULT,
                                H5P_DEFAULT),
                     H5Dclose);
      if (!dataset.valid())
        fail(temporary_name, "cannot create dataset '" + name + "'");
      return dataset;
    }

    /// Writes `values` as row `index` of dataset `path` of shape [N, ...].
    void write_row(hid_t group, const std::string &path, std::size_t index,
                   const std::vector<hsize_t> &row_dims, const void *values, hid_t memtype)
    {
      Handle dataset(H5Dopen2(group, path.c_str(), H5P_DEFAULT), H5Dclose);
      if (!dataset.valid())
        fail(temporary_name, "dataset '" + path + "' was not created");
      Handle filespace(H5Dget_space(dataset.get()), H5Sclose);
      std::vector<hsize_t> start(row_dims.size() + 1, 0), count(row_dims.size() + 1, 1);
      start[0] = index;
      for (std::size_t d = 0; d < row_dims.size(); ++d)
        count[d + 1] = row_dims[d];
      H5Sselect_hyperslab(filespace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                          nullptr);
      std::vector<hsize_t> memdims = row_dims.empty() ? std::vector<hsize_t>{1} : row_dims;
      Handle memspace(H5Screate_simple(static_cast<int>(memdims.size()), memdims.data(), nullptr),
                      H5Sclose);
      if (H5Dwrite(dataset.get(), memtype, memspace.get(), filespace.get(), H5P_DEFAULT, values) <
          0)
        fail(temporary_name, "writing row " + std::to_string(index) + " of '" + path + "' failed");
    }
  };

  TrajectoryFileWriter::TrajectoryFileWriter(const std::string &filename)
    : implementation(std::make_unique<Implementation>()), final_name(filename)
  {
    silence_hdf5();
    implementation->temporary_name =
      filename + ".tmp-" + std::to_string(static_cast<long>(::getpid()));
    implementation->file = Handle(
      H5Fcreate(implementation->temporary_name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
      H5Fclose);
    if (!implementation->file.valid())
      fail(filename, "cannot create temporary file '" + implementation->temporary_name +
                       "' (does the directory exist and is it writable?)");
  }

  TrajectoryFileWriter::~TrajectoryFileWriter()
  {
    if (!implementation->committed)
      {
        implementation->file.reset();
        std::remove(implementation->temporary_name.c_str());
      }
  }

  void TrajectoryFileWriter::begin_split(const std::string &split, std::size_t n,
                                         const Trajectory &shape, Precision precision)
  {
    shape.check_consistency();
    auto &impl = *implementation;
    if (impl.splits.count(split))
      fail(final_name, "split '" + split + "' declared twice");
    Handle group(H5Gcreate2(impl.file.get(), split.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 H5Gclose);
    if (!group.valid())
      fail(final_name, "cannot create group '" + split + "'");

    const hid_t field_type = precision == Precision::float32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
    const hsize_t N = n;
    if (shape.spatial_dimension == 1)
      impl.create_dataset(group.get(), field_dataset_name_1d(shape.nt, shape.nx), field_type,
                          {N, shape.nt, shape.nx});
    else
      for (const auto &name : shape.field_names)
        impl.create_dataset(group.get(), name, field_type, {N, shape.nt, shape.nx, shape.ny});
    impl.create_dataset(group.get(), "t", H5T_IEEE_F64LE, {N, shape.nt});
    impl.create_dataset(group.get(), "x", H5T_IEEE_F64LE, {N, shape.nx});
    if (shape.spatial_dimension == 2)
      impl.create_dataset(group.get(), "y", H5T_IEEE_F64LE, {N, shape.ny});
    for (const char *scalar : {"dt", "dx", "length_x", "final_time"})
      impl.create_dataset(group.get(), scalar, H5T_IEEE_F64LE, {N});
    if (shape.spatial_dimension == 2)
      {
        impl.create_dataset(group.get(), "dy", H5T_IEEE_F64LE, {N});
        impl.create_dataset(group.get(), "length_y", H5T_IEEE_F64LE, {N});
        if (shape.coefficients.count("beta"))
          impl.create_dataset(group.get(), "buo_y", H5T_IEEE_F64LE, {N});
      }
    impl.create_dataset(group.get(), "seed", H5T_STD_U64LE, {N});
    for (const auto &[name, value] : shape.coefficients)
      impl.create_dataset(group.get(), "coefficients/" + name, H5T_IEEE_F64LE, {N});
    for (const auto &[name, values] : shape.initial_condition)
      impl.create_dataset(group.get(), "initial_condition/" + name, H5T_IEEE_F64LE,
                          {N, std::max<hsize_t>(values.size(), 1)});

    write_string_attribute(group.get(), "pde", shape.pde);
    write_string_attribute(group.get(), "field_names", join(shape.field_names, ','));
    write_string_attribute(group.get(), "generator_configuration", shape.generator_configuration);
    write_integer_attribute(group.get(), "spatial_dimension", shape.spatial_dimension);
    write_integer_attribute(group.get(), "sslpde_layout_version", 1);

    Implementation::SplitLayout layout;
    layout.shape = shape;
    for (auto &f : layout.shape.fields)
      f.clear();
    layout.n = n;
    layout.written.assign(n, false);
    impl.splits.emplace(split, std::move(layout));
  }

  void TrajectoryFileWriter::write(const std::string &split, std::size_t index,
                                   const Trajectory &trajectory)
  {
    auto &impl = *implementation;
    const auto found = impl.splits.find(split);
    if (found == impl.splits.end())
      fail(final_name, "write to split '" + split + "' before begin_split()");
    const auto &layout = found->second;
    const Trajectory &shape = layout.shape;
    if (index >= layout.n)
      fail(final_name, "index " + std::to_string(index) + " out of range for split '" + split +
                         "' of " + std::to_string(layout.n) + " trajectories");
    trajectory.check_consistency();
    if (trajectory.nt != shape.nt || trajectory.nx != shape.nx || trajectory.ny != shape.ny ||
        trajectory.field_names != shape.field_names ||
        trajectory.spatial_dimension != shape.spatial_dimension)
      fail(final_name, "trajectory " + std::to_string(index) + " of split '" + split +
                         "' differs in shape or fields from the split's declaration");

    Handle group(H5Gopen2(impl.file.get(), split.c_str(), H5P_DEFAULT), H5Gclose);
    const hid_t g = group.get();
    const hid_t dbl = H5T_NATIVE_DOUBLE;
    if (shape.spatial_dimension == 1)
      impl.write_row(g, field_dataset_name_1d(shape.nt, shape.nx), index, {shape.nt, shape.nx},
                     trajectory.fields[0].data(), dbl);
    else
      for (std::size_t f = 0; f < shape.field_names.size(); ++f)
        impl.write_row(g, shape.field_names[f], index, {shape.nt, shape.nx, shape.ny},
                       trajectory.fields[f].data(), dbl);
    impl.write_row(g, "t", index, {shape.nt}, trajectory.t.data(), dbl);
    impl.write_row(g, "x", index, {shape.nx}, trajectory.x.data(), dbl);
    if (shape.spatial_dimension == 2)
      {
        impl.write_row(g, "y", index, {shape.ny}, trajectory.y.data(), dbl);
        impl.write_row(g, "dy", index, {}, &trajectory.dy, dbl);
        impl.write_row(g, "length_y", index, {}, &trajectory.length_y, dbl);
        if (shape.coefficients.count("beta"))
          impl.write_row(g, "buo_y", index, {}, &trajectory.coefficients.at("beta"), dbl);
      }
    impl.write_row(g, "dt", index, {}, &trajectory.dt, dbl);
    impl.write_row(g, "dx", index, {}, &trajectory.dx, dbl);
    impl.write_row(g, "length_x", index, {}, &trajectory.length_x, dbl);
    impl.write_row(g, "final_time", index, {}, &trajectory.final_time, dbl);
    const unsigned long long seed = trajectory.seed;
    impl.write_row(g, "seed", index, {}, &seed, H5T_NATIVE_ULLONG);
    for (const auto &[name, unused] : shape.coefficients)
      {
        const auto value = trajectory.coefficients.find(name);
        if (value == trajectory.coefficients.end())
          fail(final_name, "trajectory " + std::to_string(index) + " of split '" + split +
                             "' lacks coefficient '" + name + "'");
        impl.write_row(g, "coefficients/" + name, index, {}, &value->second, dbl);
      }
    for (const auto &[name, declared] : shape.initial_condition)
      {
        const auto values = trajectory.initial_condition.find(name);
        if (values == trajectory.initial_condition.end() ||
            values->second.size() != std::max<std::size_t>(declared.size(), 1))
          fail(final_name, "trajectory " + std::to_string(index) + " of split '" + split +
                             "': initial-condition parameter '" + name +
                             "' missing or of another length than declared");
        impl.write_row(g, "initial_condition/" + name, index, {values->second.size()},
                       values->second.data(), dbl);
      }
    found->second.written[index] = true;
  }

  void TrajectoryFileWriter::commit()
  {
    auto &impl = *implementation;
    for (const auto &[split, layout] : impl.splits)
      for (std::size_t i = 0; i < layout.n; ++i)
        if (!layout.written[i])
          fail(final_name, "commit() with trajectory " + std::to_string(i) + " of split '" +
                             split + "' never written");
    if (H5Fflush(impl.file.get(), H5F_SCOPE_GLOBAL) < 0)
      fail(final_name, "flushing the temporary file failed (disk full?)");
    impl.file.reset();
    if (std::rename(impl.temporary_name.c_str(), final_name.c_str()) != 0)
      fail(final_name, "renaming '" + impl.temporary_name + "' to the final name failed");
    impl.committed = true;
  }

  void write_trajectory_file(const std::string &filename, const TrajectorySplits &splits)
  {
    TrajectoryFileWriter writer(filename);
    for (const auto &[split, trajectories] : splits)
      {
        if (trajectories.empty())
          continue;
        const Precision precision =
          trajectories.front().spatial_dimension == 1 ? Precision::float64 : Precision::float32;
        writer.begin_split(split, trajectories.size(), trajectories.front(), precision);
        for (std::size_t i = 0; i < trajectories.size(); ++i)
          writer.write(split, i, trajectories[i]);
      }
    writer.commit();
  }

  // ---------------------------------------------------------------------------------------------
  // Reader

  struct TrajectoryFileReader::Implementation
  {
    std::string filename;
    Handle file;

    struct SplitLayout
    {
      unsigned int dimension = 1;
      std::size_t n = 0, nt = 0, nx = 0, ny = 1;
      std::vector<std::string> field_names;
      std::vector<std::string> field_datasets;
      std::string pde;
      std::string configuration;
      std::vector<std::string> coefficient_names;
      std::map<std::string, std::size_t> initial_condition_lengths;
      bool has_metadata = false;
    };
    std::map<std::string, SplitLayout> layouts;

    std::string where(const std::string &split, const std::string &dataset) const
    {
      return "dataset '/" + split + "/" + dataset + "'";
    }

    std::vector<hsize_t> dims_of(hid_t group, const std::string &split,
                                 const std::string &path) const
    {
      Handle dataset(H5Dopen2(group, path.c_str(), H5P_DEFAULT), H5Dclose);
      if (!dataset.valid())
        fail(filename, where(split, path) + " is missing or unreadable");
      Handle type(H5Dget_type(dataset.get()), H5Tclose);
      const H5T_class_t type_class = H5Tget_class(type.get());
      if (type_class != H5T_FLOAT && type_class != H5T_INTEGER)
        fail(filename, where(split, path) + " is not numeric");
      Handle space(H5Dget_space(dataset.get()), H5Sclose);
      const int rank = H5Sget_simple_extent_ndims(space.get());
      std::vector<hsize_t> dims(std::max(rank, 0));
      H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
      return dims;
    }

    void expect_dims(hid_t group, const std::string &split, const std::string &path,
                     const std::vector<hsize_t> &expected) const
    {
      const auto dims = dims_of(group, split, path);
      if (dims != expected)
        {
          auto text = [](const std::vector<hsize_t> &d) {
            std::string s = "[";
            for (std::size_t i = 0; i < d.size(); ++i)
              s += (i ? ", " : "") + std::to_string(d[i]);
            return s + "]";
          };
          fail(filename, where(split, path) + " has shape " + text(dims) + ", expected " +
                           text(expected));
        }
    }

    /// Reads row `index` of dataset `path` [N, ...] into `values` (converted to memtype).
    void read_row(hid_t group, const std::string &split, const std::string &path,
                  std::size_t index, std::size_t row_size, void *values, hid_t memtype) const
    {
      Handle dataset(H5Dopen2(group, path.c_str(), H5P_DEFAULT), H5Dclose);
      if (!dataset.valid())
        fail(filename, where(split, path) + " is missing");
      Handle filespace(H5Dget_space(dataset.get()), H5Sclose);
      const int rank = H5Sget_simple_extent_ndims(filespace.get());
      std::vector<hsize_t> dims(rank);
      H5Sget_simple_extent_dims(filespace.get(), dims.data(), nullptr);
      std::vector<hsize_t> start(rank, 0), count(dims);
      start[0] = index;
      count[0] = 1;
      H5Sselect_hyperslab(filespace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                          nullptr);
      const hsize_t n = row_size;
      Handle memspace(H5Screate_simple(1, &n, nullptr), H5Sclose);
      if (H5Dread(dataset.get(), memtype, memspace.get(), filespace.get(), H5P_DEFAULT, values) <
          0)
        fail(filename, "reading row " + std::to_string(index) + " of " + where(split, path) +
                         " failed (file truncated or corrupt?)");
    }

    SplitLayout inspect_split(const std::string &split) const
    {
      Handle group(H5Gopen2(file.get(), split.c_str(), H5P_DEFAULT), H5Gclose);
      if (!group.valid())
        fail(filename, "group '/" + split + "' cannot be opened");
      const hid_t g = group.get();
      SplitLayout layout;

      // Names of the links in the group tell the layout apart.
      const std::vector<std::string> names = link_names(g);
      const auto has = [&](const std::string &n) {
        return std::find(names.begin(), names.end(), n) != names.end();
      };

      long long dimension_attribute = 0;
      if (H5Aexists(g, "spatial_dimension") > 0)
        {
          Handle attribute(H5Aopen(g, "spatial_dimension", H5P_DEFAULT), H5Aclose);
          H5Aread(attribute.get(), H5T_NATIVE_LLONG, &dimension_attribute);
        }
      layout.has_metadata = H5Aexists(g, "sslpde_layout_version") > 0;
      read_string_attribute(g, "pde", layout.pde);
      read_string_attribute(g, "generator_configuration", layout.configuration);

      const auto lpsda = std::find_if(names.begin(), names.end(), is_lpsda_field_dataset);
      if (lpsda != names.end() && dimension_attribute != 2)
        {
          layout.dimension = 1;
          const auto dims = dims_of(g, split, *lpsda);
          if (dims.size() != 3)
            fail(filename, where(split, *lpsda) + " must have 3 dimensions [N, nt, nx], has " +
                             std::to_string(dims.size()));
          layout.n = dims[0];
          layout.nt = dims[1];
          layout.nx = dims[2];
          layout.ny = 1;
          layout.field_datasets = {*lpsda};
          std::string stored_names;
          layout.field_names = read_string_attribute(g, "field_names", stored_names) ?
                                 split_list(stored_names) :
                                 std::vector<std::string>{"u"};
          if (layout.field_names.size() != 1)
            fail(filename, "group '/" + split + "': 1D layout stores exactly one field");
        }
      else if (has("u") || dimension_attribute == 2)
        {
          layout.dimension = 2;
          std::string stored_names;
          if (read_string_attribute(g, "field_names", stored_names))
            layout.field_names = split_list(stored_names);
          else
            for (const char *candidate : {"u", "vx", "vy", "p"})
              if (has(candidate))
                layout.field_names.push_back(candidate);
          if (layout.field_names.empty())
            fail(filename, "group '/" + split + "' has no field dataset");
          const auto dims = dims_of(g, split, layout.field_names.front());
          if (dims.size() != 4)
            fail(filename, where(split, layout.field_names.front()) +
                             " must have 4 dimensions [N, nt, nx, ny], has " +
                             std::to_string(dims.size()));
          layout.n = dims[0];
          layout.nt = dims[1];
          layout.nx = dims[2];
          layout.ny = dims[3];
          layout.field_datasets = layout.field_names;
          for (const auto &f : layout.field_names)
            expect_dims(g, split, f, dims);
        }
      else
        fail(filename, "group '/" + split +
                         "' has neither an LPSDA field dataset 'pde_{nt}-{nx}' nor a PDEArena "
                         "field dataset 'u'");

      const hsize_t N = layout.n;
      expect_dims(g, split, "t", {N, layout.nt});
      expect_dims(g, split, "x", {N, layout.nx});
      expect_dims(g, split, "dt", {N});
      expect_dims(g, split, "dx", {N});
      if (layout.dimension == 2)
        {
          expect_dims(g, split, "y", {N, layout.ny});
          expect_dims(g, split, "dy", {N});
          if (has("buo_y"))
            expect_dims(g, split, "buo_y", {N});
        }

      if (layout.pde.empty())
        {
          // Files of other generators say what they hold only in their names.
          std::string base = filename.substr(filename.find_last_of('/') + 1);
          base = lowercase(base.substr(0, base.find('_')));
          layout.pde = layout.dimension == 2 ? "navier_stokes" : base;
        }

      if (layout.has_metadata)
        {
          for (const char *scalar : {"length_x", "final_time", "seed"})
            expect_dims(g, split, scalar, {N});
          if (has("coefficients"))
            {
              Handle coefficients(H5Gopen2(g, "coefficients", H5P_DEFAULT), H5Gclose);
              const auto coefficient_names = link_names(coefficients.get());
              for (const auto &c : coefficient_names)
                expect_dims(g, split, "coefficients/" + c, {N});
              layout.coefficient_names = coefficient_names;
            }
          if (has("initial_condition"))
            {
              Handle ic(H5Gopen2(g, "initial_condition", H5P_DEFAULT), H5Gclose);
              const auto ic_names = link_names(ic.get());
              for (const auto &c : ic_names)
                {
                  const auto dims = dims_of(g, split, "initial_condition/" + c);
                  if (dims.size() != 2 || dims[0] != N)
                    fail(filename, where(split, "initial_condition/" + c) +
                                     " must have shape [N, k] with N = " + std::to_string(N));
                  layout.initial_condition_lengths[c] = dims[1];
                }
            }
        }
      else if (layout.dimension == 2 && has("buo_y"))
        layout.coefficient_names = {"beta"};
      return layout;
    }
  };

  TrajectoryFileReader::TrajectoryFileReader(const std::string &filename)
    : implementation(std::make_unique<Implementation>()), name(filename)
  {
    silence_hdf5();
    auto &impl = *implementation;
    impl.filename = filename;
    if (FILE *probe = std::fopen(filename.c_str(), "rb"))
      std::fclose(probe);
    else
      fail(filename, "cannot be opened for reading (missing file or no permission)");
    if (H5Fis_hdf5(filename.c_str()) <= 0)
      fail(filename, "is not a readable HDF5 file (truncated, still being written, or another "
                     "format)");
    impl.file = Handle(H5Fopen(filename.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!impl.file.valid())
      fail(filename, "cannot be opened as HDF5 (truncated or corrupt?)");

    std::vector<std::string> groups;
    if (H5Literate(
          impl.file.get(), H5_INDEX_NAME, H5_ITER_NATIVE, nullptr,
          [](hid_t location, const char *name, const H5L_info_t *, void *data) -> herr_t {
            H5O_info_t info;
            if (H5Oget_info_by_name2(location, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) >= 0 &&
                info.type == H5O_TYPE_GROUP)
              static_cast<std::vector<std::string> *>(data)->push_back(name);
            return 0;
          },
          &groups) < 0)
      fail(filename, "listing its groups failed (truncated or corrupt?)");
    if (groups.empty())
      fail(filename, "has no split group (expected 'train', 'valid' or 'test')");
    for (const auto &g : groups)
      impl.layouts[g] = impl.inspect_split(g);
  }

  TrajectoryFileReader::~TrajectoryFileReader() = default;

  std::vector<std::string> TrajectoryFileReader::splits() const
  {
    std::vector<std::string> out;
    for (const auto &[split, layout] : implementation->layouts)
      out.push_back(split);
    return out;
  }

  bool TrajectoryFileReader::has_split(const std::string &split) const
  {
    return implementation->layouts.count(split) > 0;
  }

  std::size_t TrajectoryFileReader::size(const std::string &split) const
  {
    const auto found = implementation->layouts.find(split);
    if (found == implementation->layouts.end())
      fail(name, "has no split '" + split + "'");
    return found->second.n;
  }

  Trajectory TrajectoryFileReader::read(const std::string &split, std::size_t index) const
  {
    const auto &impl = *implementation;
    const auto found = impl.layouts.find(split);
    if (found == impl.layouts.end())
      fail(name, "has no split '" + split + "'");
    const auto &layout = found->second;
    if (index >= layout.n)
      fail(name, "split '" + split + "' has " + std::to_string(layout.n) +
                   " trajectories; index " + std::to_string(index) + " requested");
    Handle group(H5Gopen2(impl.file.get(), split.c_str(), H5P_DEFAULT), H5Gclose);
    const hid_t g = group.get();
    const hid_t dbl = H5T_NATIVE_DOUBLE;

    Trajectory trajectory;
    trajectory.pde = layout.pde;
    trajectory.spatial_dimension = layout.dimension;
    trajectory.generator_configuration = layout.configuration;
    trajectory.allocate(layout.nt, layout.nx, layout.ny, layout.field_names);
    for (std::size_t f = 0; f < layout.field_datasets.size(); ++f)
      impl.read_row(g, split, layout.field_datasets[f], index, trajectory.values_per_field(),
                    trajectory.fields[f].data(), dbl);
    trajectory.t.resize(layout.nt);
    trajectory.x.resize(layout.nx);
    impl.read_row(g, split, "t", index, layout.nt, trajectory.t.data(), dbl);
    impl.read_row(g, split, "x", index, layout.nx, trajectory.x.data(), dbl);
    impl.read_row(g, split, "dt", index, 1, &trajectory.dt, dbl);
    impl.read_row(g, split, "dx", index, 1, &trajectory.dx, dbl);
    if (layout.dimension == 2)
      {
        trajectory.y.resize(layout.ny);
        impl.read_row(g, split, "y", index, layout.ny, trajectory.y.data(), dbl);
        impl.read_row(g, split, "dy", index, 1, &trajectory.dy, dbl);
      }
    if (layout.has_metadata)
      {
        impl.read_row(g, split, "length_x", index, 1, &trajectory.length_x, dbl);
        impl.read_row(g, split, "final_time", index, 1, &trajectory.final_time, dbl);
        if (layout.dimension == 2)
          impl.read_row(g, split, "length_y", index, 1, &trajectory.length_y, dbl);
        unsigned long long seed = 0;
        impl.read_row(g, split, "seed", index, 1, &seed, H5T_NATIVE_ULLONG);
        trajectory.seed = seed;
        for (const auto &c : layout.coefficient_names)
          impl.read_row(g, split, "coefficients/" + c, index, 1, &trajectory.coefficients[c],
                        dbl);
        for (const auto &[c, length] : layout.initial_condition_lengths)
          {
            auto &values = trajectory.initial_condition[c];
            values.resize(length);
            impl.read_row(g, split, "initial_condition/" + c, index, length, values.data(), dbl);
          }
      }
    else
      {
        // Other generators store uniform periodic grids without the endpoint: L = nx dx.
        trajectory.length_x = static_cast<double>(layout.nx) * trajectory.dx;
        trajectory.length_y = static_cast<double>(layout.ny) * trajectory.dy;
        trajectory.final_time = trajectory.t.empty() ? 0.0 : trajectory.t.back();
        if (layout.dimension == 2 && !layout.coefficient_names.empty())
          impl.read_row(g, split, "buo_y", index, 1, &trajectory.coefficients["beta"], dbl);
      }
    return trajectory;
  }

  std::vector<Trajectory> TrajectoryFileReader::read_all(const std::string &split) const
  {
    std::vector<Trajectory> out;
    const std::size_t n = size(split);
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(read(split, i));
    return out;
  }

  SplitSummary TrajectoryFileReader::summarize(const std::string &split) const
  {
    const auto &layout = implementation->layouts.at(split);
    SplitSummary summary;
    summary.name = split;
    summary.layout = layout.dimension == 1 ? "LPSDA 1D" : "PDEArena 2D";
    summary.pde = layout.pde;
    summary.n_trajectories = layout.n;
    summary.nt = layout.nt;
    summary.nx = layout.nx;
    summary.ny = layout.ny;
    summary.field_names = layout.field_names;
    summary.datasets = layout.field_datasets;
    summary.has_seeds = layout.has_metadata;
    for (const auto &[c, length] : layout.initial_condition_lengths)
      summary.initial_condition_names.push_back(c + "[" + std::to_string(length) + "]");

    const double inf = std::numeric_limits<double>::infinity();
    const auto widen = [](double &lo, double &hi, double v) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    };
    summary.t_min = summary.x_min = summary.dt_min = summary.dx_min = inf;
    summary.t_max = summary.x_max = summary.dt_max = summary.dx_max = -inf;
    std::vector<SplitSummary::Range> fields(layout.field_names.size());
    for (std::size_t f = 0; f < fields.size(); ++f)
      fields[f] = {layout.field_names[f], inf, -inf};
    std::map<std::string, SplitSummary::Range> coefficients;
    for (std::size_t i = 0; i < layout.n; ++i)
      {
        const Trajectory trajectory = read(split, i);
        for (const double v : trajectory.t)
          widen(summary.t_min, summary.t_max, v);
        for (const double v : trajectory.x)
          widen(summary.x_min, summary.x_max, v);
        widen(summary.dt_min, summary.dt_max, trajectory.dt);
        widen(summary.dx_min, summary.dx_max, trajectory.dx);
        for (std::size_t f = 0; f < fields.size(); ++f)
          for (const double v : trajectory.fields[f])
            widen(fields[f].min, fields[f].max, v);
        for (const auto &[c, v] : trajectory.coefficients)
          {
            auto &range = coefficients.try_emplace(c, SplitSummary::Range{c, inf, -inf}).first->second;
            widen(range.min, range.max, v);
          }
      }
    summary.field_ranges = fields;
    for (const auto &[c, range] : coefficients)
      summary.coefficient_ranges.push_back(range);
    return summary;
  }

  TrajectorySplits read_trajectory_file(const std::string &filename)
  {
    TrajectoryFileReader reader(filename);
    TrajectorySplits splits;
    for (const auto &split : reader.splits())
      splits[split] = reader.read_all(split);
    return splits;
  }
} // namespace sslpde::io
