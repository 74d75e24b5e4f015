// Byte serialisation of a Trajectory (and small records) for MPI messages between the ranks of an
// ensemble generation. Private to the solvers module.
#pragma once

#include <sslpde/plugin/trajectory.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace sslpde::solvers
{
class MessageWriter
{
public:
  template <class T> void put(const T &value)
  {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto *p = reinterpret_cast<const char *>(&value);
    bytes.insert(bytes.end(), p, p + sizeof(T));
  }
  void put(const std::string &value)
  {
    put<std::uint64_t>(value.size());
    bytes.insert(bytes.end(), value.begin(), value.end());
  }
  void put(const std::vector<double> &values)
  {
    put<std::uint64_t>(values.size());
    const auto *p = reinterpret_cast<const char *>(values.data());
    bytes.insert(bytes.end(), p, p + values.size() * sizeof(double));
  }
  void put(const Trajectory &t);

  std::vector<char> bytes;
};

class MessageReader
{
public:
  MessageReader(const char *data, std::size_t size) : data(data), size(size) {}
  template <class T> T get()
  {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    take(&value, sizeof(T));
    return value;
  }
  std::string get_string()
  {
    std::string value(get<std::uint64_t>(), '\0');
    take(value.data(), value.size());
    return value;
  }
  std::vector<double> get_doubles()
  {
    std::vector<double> values(get<std::uint64_t>());
    take(values.data(), values.size() * sizeof(double));
    return values;
  }
  Trajectory get_trajectory();

private:
  void take(void *target, std::size_t n)
  {
    if (position + n > size)
      throw std::runtime_error("ensemble: truncated MPI message");
    std::memcpy(target, data + position, n);
    position += n;
  }
  const char *data;
  std::size_t size;
  std::size_t position = 0;
};
} // namespace sslpde::solvers
