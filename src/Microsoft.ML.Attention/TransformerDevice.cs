namespace Microsoft.ML.Attention;

/// <summary>Where tensors live during training and inference.</summary>
public enum TransformerDevice
{
    /// <summary>CUDA when the TorchSharp backend finds a GPU (build with <c>-p:TorchBackend=cuda</c>), otherwise the CPU.</summary>
    Automatic,

    /// <summary>The CPU.</summary>
    Cpu,

    /// <summary>The first CUDA GPU; <c>Fit</c> fails with a clear message when none is available.</summary>
    Cuda,
}
