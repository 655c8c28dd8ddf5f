using System.Reflection;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.MLNet;

/// <summary>
/// The library compiles against ML.NET's internal model-saving API (publicized references, see docs/architecture.md), which any
/// ML.NET release may change; a different ML.NET would fail later with a <see cref="MissingMethodException"/> deep inside
/// <c>Fit</c> or <c>Load</c>. So the loaded Microsoft.ML.Core and Microsoft.ML.Data must be exactly the ML.NET version the library
/// was built and tested against (the package declares the same exact version). Hand-written: ML.NET has no such check.
/// </summary>
internal static class MlNetVersionCheck
{
    /// <summary>The AppContext switch that lets an application run on an untested ML.NET at its own risk.</summary>
    public const string AllowUntestedSwitch = "Microsoft.ML.Attention.AllowUntestedMlNetVersion";

    /// <summary>The ML.NET version the library was built against (Directory.Packages.props' <c>MlNetVersion</c>, embedded at build).</summary>
    public static string Supported { get; } = typeof(MlNetVersionCheck).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SupportedMlNetVersion").Value!;

    /// <summary>The ML.NET assemblies the library reaches inside, with their loaded product versions (null when unknown).</summary>
    public static IReadOnlyList<(string Assembly, string? Version)> Loaded() =>
        [Describe(typeof(IHostEnvironment).Assembly), Describe(typeof(MLContext).Assembly)];

    /// <summary>
    /// Why <paramref name="loaded"/> cannot be used, naming the found and the supported versions; null when every assembly is of the
    /// <paramref name="supported"/> version (build metadata after '+' ignored) or when <paramref name="allowUntested"/>.
    /// </summary>
    public static string? Problem(IReadOnlyList<(string Assembly, string? Version)> loaded, string supported, bool allowUntested)
    {
        var wrong = loaded.Where(a => a.Version?.Split('+')[0] != supported).ToList();
        if (wrong.Count == 0 || allowUntested)
        {
            return null;
        }

        string found = string.Join(", ", wrong.Select(a => $"{a.Assembly} {a.Version ?? "(no version information)"}"));
        return $"Microsoft.ML.Attention supports ML.NET {supported} only (it uses ML.NET's internal model-saving API, which can change " +
            $"in any release), but this application loaded {found}. Reference <PackageReference Include=\"Microsoft.ML\" Version=\"{supported}\" /> " +
            $"in the application, or use a Microsoft.ML.Attention release built for the ML.NET you need. To run on this ML.NET anyway, " +
            $"untested and at your own risk, set the AppContext switch \"{AllowUntestedSwitch}\" to true.";
    }

    private static (string, string?) Describe(Assembly assembly) =>
        (assembly.GetName().Name!, assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
}
