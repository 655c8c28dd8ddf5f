using System.Reflection;
using TorchSharp;

namespace Microsoft.ML.Attention.MLNet;

/// <summary>
/// The package depends on managed TorchSharp only and leaves libtorch's native package to the application (TorchSharp-cpu, or a
/// CUDA one), as Microsoft.ML.TorchSharp does. Without one, TorchSharp's first call fails with a message that names none of this
/// library's packages; this check loads libtorch's CPU backend up front and says which one line to add.
/// </summary>
internal static class LibTorchCheck
{
    /// <summary>The TorchSharp version the library was built against (Directory.Packages.props' <c>TorchSharpVersion</c>).</summary>
    public static string TorchSharpVersion { get; } = typeof(LibTorchCheck).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TorchSharpVersion").Value!;

    /// <summary>Loads libtorch (once per process, by TorchSharp); null when it loads, else the exception to throw.</summary>
    public static Exception? TryLoad()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return null;
        }
        catch (Exception e) when (e is NotSupportedException or TypeInitializationException or DllNotFoundException or BadImageFormatException)
        {
            return Explain(e);
        }
    }

    /// <summary>The error for TorchSharp's failure <paramref name="cause"/> (kept as the inner exception).</summary>
    public static InvalidOperationException Explain(Exception cause) => new(
        "Microsoft.ML.Attention found no native libtorch that TorchSharp could load. The application chooses libtorch's native " +
        $"package: add <PackageReference Include=\"TorchSharp-cpu\" Version=\"{TorchSharpVersion}\" /> to the application's project " +
        $"(or TorchSharp-cuda-linux / TorchSharp-cuda-windows {TorchSharpVersion} for an NVIDIA GPU). If it already references one, see " +
        $"\"TorchSharp does not load\" in Microsoft.ML.Attention's docs/troubleshooting.md. TorchSharp said: {cause.GetBaseException().Message}",
        cause);
}
