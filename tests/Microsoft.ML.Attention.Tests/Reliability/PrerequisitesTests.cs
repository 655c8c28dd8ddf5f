using Microsoft.ML.Attention.MLNet;
using System.Reflection;

namespace Microsoft.ML.Attention.Tests.Reliability;

/// <summary>
/// The checks at the first entry point: the loaded ML.NET must be the one the library was built against, and a native libtorch must
/// load. Other versions are given to the check itself (one ML.NET is served here); the consumer without a native package is run by
/// <c>.ci/package-test.sh</c>.
/// </summary>
public class PrerequisitesTests
{
    [Fact]
    public void Loaded_ml_net_is_the_supported_version_and_the_entry_points_pass()
    {
        string loaded = typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        Assert.Equal(MlNetVersionCheck.Supported, loaded.Split('+')[0]);
        Assert.All(MlNetVersionCheck.Loaded(), a => Assert.StartsWith(MlNetVersionCheck.Supported + "+", a.Version));
        Assert.Null(MlNetVersionCheck.Problem(MlNetVersionCheck.Loaded(), MlNetVersionCheck.Supported, allowUntested: false));
        Prerequisites.Check();
    }

    [Theory]
    [InlineData("5.1.0+0123abcd")]
    [InlineData("5.0.2")]
    [InlineData("5.0.1-preview.2")]
    [InlineData("4.0.2+feedbeef")]
    public void Another_ml_net_is_refused_naming_the_found_and_the_supported_versions(string found)
    {
        (string, string?)[] loaded = [("Microsoft.ML.Core", "5.0.1+a4f730ec"), ("Microsoft.ML.Data", found)];

        string? problem = MlNetVersionCheck.Problem(loaded, "5.0.1", allowUntested: false);

        Assert.NotNull(problem);
        Assert.Contains($"Microsoft.ML.Data {found}", problem);
        Assert.DoesNotContain("Microsoft.ML.Core", problem);
        Assert.Contains("supports ML.NET 5.0.1 only", problem);
        Assert.Contains("<PackageReference Include=\"Microsoft.ML\" Version=\"5.0.1\" />", problem);
        Assert.Contains(MlNetVersionCheck.AllowUntestedSwitch, problem);
    }

    [Fact]
    public void An_ml_net_assembly_without_version_information_is_refused()
    {
        string? problem = MlNetVersionCheck.Problem([("Microsoft.ML.Core", null)], "5.0.1", allowUntested: false);

        Assert.Contains("Microsoft.ML.Core (no version information)", problem);
    }

    [Fact]
    public void The_allow_untested_switch_lets_another_ml_net_through()
    {
        Assert.Null(MlNetVersionCheck.Problem([("Microsoft.ML.Data", "5.1.0")], "5.0.1", allowUntested: true));
    }

    [Fact]
    public void A_missing_native_libtorch_names_the_package_line_to_add_and_keeps_torchsharp_s_error()
    {
        // TorchSharp 0.107's own message when no libtorch package is referenced (seen in .ci/package-test.sh's second consumer).
        var cause = new NotSupportedException("This application or script uses TorchSharp but doesn't contain a reference to libtorch-cpu-linux-x64, Version=2.10.0.0.");

        var error = LibTorchCheck.Explain(new TypeInitializationException("TorchSharp.torch", cause));

        Assert.Contains($"<PackageReference Include=\"TorchSharp-cpu\" Version=\"{LibTorchCheck.TorchSharpVersion}\" />", error.Message);
        Assert.Contains("TorchSharp-cuda-linux", error.Message);
        Assert.Contains(cause.Message, error.Message);
        Assert.Same(cause, error.InnerException!.InnerException);
    }

    [Fact]
    public void The_supported_torchsharp_is_the_loaded_one()
    {
        Assert.Equal(LibTorchCheck.TorchSharpVersion, typeof(TorchSharp.torch).Assembly.GetName().Version!.ToString(3));
        Assert.Null(LibTorchCheck.TryLoad());
    }
}
