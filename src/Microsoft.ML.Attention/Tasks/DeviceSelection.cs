using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Maps <see cref="TransformerDevice"/> and ML.NET's device settings (<c>MLContext.GpuDeviceId</c>, <c>MLContext.FallbackToCpu</c>, read
/// as Microsoft.ML.TorchSharp's trainers read them) onto a TorchSharp device.
/// </summary>
internal static class DeviceSelection
{
    /// <summary>The device for <paramref name="device"/> ignoring ML.NET's settings (imports that have no ML.NET context).</summary>
    public static Device Resolve(TransformerDevice device) => Resolve(device, gpuDeviceId: null, fallbackToCpu: false, cuda.is_available(), log: null);

    /// <summary>The device for <paramref name="device"/> under <paramref name="env"/>'s <c>GpuDeviceId</c> and <c>FallbackToCpu</c>.</summary>
    public static Device Resolve(TransformerDevice device, IHostEnvironment env, Action<string>? log)
    {
        var settings = env as IHostEnvironmentInternal;
        return Resolve(device, settings?.GpuDeviceId, settings?.FallbackToCpu ?? false, cuda.is_available(), log);
    }

    /// <summary>
    /// The rules: <see cref="TransformerDevice.Cpu"/> is the CPU. A GPU is asked for by <see cref="TransformerDevice.Cuda"/> or by
    /// <c>GpuDeviceId</c> (which also picks the GPU; default 0); when TorchSharp finds no CUDA GPU, <c>FallbackToCpu</c> true runs on
    /// the CPU (with a log line) and false is an error. <see cref="TransformerDevice.Automatic"/> without <c>GpuDeviceId</c>: the first
    /// GPU when there is one, else the CPU.
    /// </summary>
    internal static Device Resolve(TransformerDevice device, int? gpuDeviceId, bool fallbackToCpu, bool cudaAvailable, Action<string>? log)
    {
        if (device == TransformerDevice.Cpu)
            return CPU;
        bool gpuRequested = device == TransformerDevice.Cuda || gpuDeviceId is not null;
        if (cudaAvailable)
        {
            int index = gpuDeviceId ?? 0;
            int count = (int)cuda.device_count();
            if (index < 0 || index >= count)
                throw new InvalidOperationException($"MLContext.GpuDeviceId is {index}, but TorchSharp finds {count} CUDA GPU(s) (ids 0 to {count - 1}).");
            return new Device(DeviceType.CUDA, index);
        }
        if (!gpuRequested)
            return CPU;
        string asked = gpuDeviceId is int id ? $"MLContext.GpuDeviceId is {id}" : "Device is Cuda";
        if (fallbackToCpu)
        {
            log?.Invoke($"{asked}, but TorchSharp finds no CUDA GPU; MLContext.FallbackToCpu is true, so the model runs on the CPU.");
            return CPU;
        }
        throw new InvalidOperationException(
            $"{asked}, but TorchSharp finds no CUDA GPU and MLContext.FallbackToCpu is false. Build with -p:TorchBackend=cuda on a machine with a GPU, " +
            "set MLContext.FallbackToCpu to true, or leave GpuDeviceId unset with Device Automatic or Cpu.");
    }
}
