namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Finds the ONNX Runtime engine of the companion package at run time, by the assembly-qualified name of its entry type (ML.NET's
/// component catalog finds components in loaded assemblies the same way), so that an application that never asks for
/// <see cref="InferenceEngine.OnnxRuntime"/> does not need the package nor ONNX Runtime's native libraries. The engine is created once.
/// </summary>
internal static class OnnxRuntimeEngineLocator
{
    /// <summary>The package that holds the engine.</summary>
    public const string PackageName = "Microsoft.ML.Attention.OnnxRuntime";

    /// <summary>The engine's entry type, implementing <see cref="IOnnxRuntimeEngine"/> with a parameterless constructor.</summary>
    public const string EngineTypeName = "Microsoft.ML.Attention.OnnxRuntime.OnnxRuntimeEngine, " + PackageName;

    private static readonly Lazy<IOnnxRuntimeEngine?> Engine = new(() => Create(EngineTypeName));

    /// <summary>Whether the companion package is in the application.</summary>
    public static bool IsAvailable => Engine.Value is not null;

    /// <summary>The engine, or an <see cref="InvalidOperationException"/> that names the package to add.</summary>
    /// <param name="asked">What asked for it, for the message (e.g. <c>TransformerTextOptions.InferenceEngine OnnxRuntime</c>).</param>
    public static IOnnxRuntimeEngine Find(string asked) => Engine.Value ?? throw Missing(asked);

    /// <summary>The error for an application without the package (shared with tests that look up a type that is not there).</summary>
    internal static InvalidOperationException Missing(string asked) => new(
        $"{asked} needs the package {PackageName}, which is not in this application: add it (dotnet add package {PackageName}), " +
        $"or score with {nameof(InferenceEngine)}.{nameof(InferenceEngine.TorchSharp)}. It is a separate package so that applications " +
        "that score with TorchSharp do not carry ONNX Runtime's native libraries.");

    /// <summary>An instance of the type named <paramref name="typeName"/>, or null when its assembly is not in the application.</summary>
    /// <exception cref="InvalidOperationException">The type is there but is not an engine (a package of another version).</exception>
    internal static IOnnxRuntimeEngine? Create(string typeName)
    {
        Type? type;
        try
        {
            type = Type.GetType(typeName, throwOnError: false);
        }
        catch (Exception e) when (e is FileLoadException or BadImageFormatException)
        {
            throw new InvalidOperationException($"The package {PackageName} is in the application but its assembly does not load: {e.Message}", e);
        }
        if (type is null)
            return null;
        return Activator.CreateInstance(type, nonPublic: true) as IOnnxRuntimeEngine ?? throw new InvalidOperationException(
            $"{typeName} does not implement this version's engine interface: {PackageName} must have the same version as Microsoft.ML.Attention.");
    }
}
