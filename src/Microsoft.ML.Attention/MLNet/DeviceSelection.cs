using static TorchSharp.torch;

namespace Microsoft.ML.Attention;

/// <summary>Maps <see cref="TransformerDevice"/> onto a TorchSharp device.</summary>
internal static class DeviceSelection
{
    public static Device Resolve(TransformerDevice device) => device switch
    {
        TransformerDevice.Cpu => CPU,
        TransformerDevice.Cuda when cuda.is_available() => CUDA,
        TransformerDevice.Cuda => throw new InvalidOperationException(
            "Device is Cuda, but TorchSharp finds no CUDA GPU. Build with -p:TorchBackend=cuda on a machine with a GPU, or set Device to Automatic or Cpu."),
        _ => cuda.is_available() ? CUDA : CPU,
    };
}
