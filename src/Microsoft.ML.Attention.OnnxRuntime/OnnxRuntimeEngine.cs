using Microsoft.ML.Attention.Tasks;

namespace Microsoft.ML.Attention.OnnxRuntime;

/// <summary>
/// The entry point the main library finds by its assembly-qualified name when <see cref="InferenceEngine.OnnxRuntime"/> is asked for
/// (<c>OnnxRuntimeEngineLocator</c>): opens an <see cref="OnnxRuntimeForward"/> over the model bytes it exported. Referencing this package
/// is all an application does; no registration call.
/// </summary>
internal sealed class OnnxRuntimeEngine : IOnnxRuntimeEngine
{
    public IExportedForward Open(byte[] model, int threadCount) => new OnnxRuntimeForward(model, threadCount);
}
