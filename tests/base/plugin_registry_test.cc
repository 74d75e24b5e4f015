// The plugin registry: registration, creation with parsed parameters, and the errors for unknown
// plugins and unloadable libraries.
#include <sslpde/plugin/plugin_registry.h>

#include <gtest/gtest.h>

using namespace sslpde;

namespace
{
  struct Shape
  {
    static constexpr const char *plugin_family = "Test shape";
    virtual ~Shape() = default;
    virtual void parse_parameters(const ParameterValues &values) = 0;
    virtual double area() const = 0;
  };

  struct Square : Shape
  {
    static ParameterDeclarations declare_parameters()
    {
      return {{"Side", "2", ParameterPattern::real(0), "side length"}};
    }
    void parse_parameters(const ParameterValues &values) override
    {
      side = values.get_double("Side");
    }
    double area() const override { return side * side; }
    double side = 0;
  };
} // namespace

SSLPDE_REGISTER_PLUGIN(Shape, Square, "square", "A square of given side")

TEST(PluginRegistry, CreatesRegisteredPluginWithParameters)
{
  EXPECT_EQ(PluginFamily<Shape>::names(), std::vector<std::string>{"square"});
  EXPECT_DOUBLE_EQ(PluginFamily<Shape>::create_with_defaults("square")->area(), 4.0);
  EXPECT_DOUBLE_EQ(PluginFamily<Shape>::create_with_defaults("square", {{"Side", "3"}})->area(),
                   9.0);
  const auto families = PluginCatalogue::instance().families();
  EXPECT_NE(std::find(families.begin(), families.end(), "Test shape"), families.end());
}

TEST(PluginRegistry, UnknownPluginListsRegisteredNames)
{
  try
    {
      PluginFamily<Shape>::create_with_defaults("circle");
      FAIL() << "no exception";
    }
  catch (const std::invalid_argument &e)
    {
      const std::string message = e.what();
      EXPECT_NE(message.find("'circle'"), std::string::npos) << message;
      EXPECT_NE(message.find("'square'"), std::string::npos) << message;
    }
}

TEST(PluginRegistry, MissingLibraryIsNamed)
{
  try
    {
      load_shared_libraries({"/nonexistent/libmy_pde.so"});
      FAIL() << "no exception";
    }
  catch (const std::runtime_error &e)
    {
      EXPECT_NE(std::string(e.what()).find("/nonexistent/libmy_pde.so"), std::string::npos);
    }
}
