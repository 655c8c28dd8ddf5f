namespace Microsoft.ML.Attention.MLNet;

/// <summary>
/// What the library needs from the application, checked once at its first entry point (a catalog method, the estimator's
/// constructor, the model loader): the ML.NET it was built against (<see cref="MlNetVersionCheck"/>) and a loadable native libtorch
/// (<see cref="LibTorchCheck"/>). Callers must not themselves use ML.NET internals: a missing member fails when the calling method is
/// compiled, before its first line runs.
/// </summary>
internal static class Prerequisites
{
    private static readonly Lazy<string?> MlNetProblem = new(() => MlNetVersionCheck.Problem(
        MlNetVersionCheck.Loaded(), MlNetVersionCheck.Supported,
        AppContext.TryGetSwitch(MlNetVersionCheck.AllowUntestedSwitch, out bool allowed) && allowed));

    private static readonly Lazy<Exception?> LibTorchProblem = new(LibTorchCheck.TryLoad);

    /// <summary>Throws when a prerequisite is missing.</summary>
    /// <exception cref="NotSupportedException">The loaded ML.NET is not the supported version; the message names both.</exception>
    /// <exception cref="InvalidOperationException">No native libtorch loads; the message names the package to add.</exception>
    public static void Check()
    {
        if (MlNetProblem.Value is string problem)
        {
            throw new NotSupportedException(problem);
        }

        if (LibTorchProblem.Value is Exception error)
        {
            throw new InvalidOperationException(error.Message, error.InnerException);
        }
    }
}
