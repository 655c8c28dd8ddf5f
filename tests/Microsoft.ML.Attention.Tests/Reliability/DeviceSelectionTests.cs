using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tests.Fixtures;
using TorchSharp;

namespace Microsoft.ML.Attention.Tests.Reliability;

/// <summary>MLContext.GpuDeviceId and FallbackToCpu on a machine without CUDA (the rules with CUDA are the pure function's).</summary>
public class DeviceSelectionTests
{
    [Fact]
    public void GpuDeviceId_with_FallbackToCpu_trains_on_the_cpu_and_says_so()
    {
        Assert.False(torch.cuda.is_available());
        var ml = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = true };
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("FallbackToCpu")) warnings.Add(e.Message); };
        var options = TinyModels.MaskedLm();
        options.Device = TransformerDevice.Automatic;   // TinyModels choose Cpu, which never looks for a GPU
        options.MaxSteps = 1;

        using var model = ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 8)));

        Assert.Equal(DeviceType.CPU, model.Model.Device.type);
        Assert.Contains(warnings, m => m.Contains("GpuDeviceId is 0") && m.Contains("CPU"));
    }

    [Fact]
    public void GpuDeviceId_without_FallbackToCpu_is_a_clear_error_when_cuda_is_absent()
    {
        var ml = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = false };
        var options = TinyModels.MaskedLm();
        options.Device = TransformerDevice.Automatic;
        options.MaxSteps = 1;

        var error = Assert.Throws<InvalidOperationException>(() => ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 8))));
        Assert.Contains("GpuDeviceId is 0", error.Message);
        Assert.Contains("FallbackToCpu is false", error.Message);
    }

    [Fact]
    public void Load_follows_GpuDeviceId_and_FallbackToCpu()
    {
        string path = SavedModelFixture.All.Single(f => f.Name == "masked-lm-embeddings").ModelPath;

        var cpu = (TransformerTextTransformer)new MLContext(seed: 1).Model.Load(path, out _);
        var fallback = (TransformerTextTransformer)new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = true }.Model.Load(path, out _);
        var error = Assert.ThrowsAny<Exception>(() => new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = false }.Model.Load(path, out _));

        Assert.Equal(DeviceType.CPU, cpu.Model.Device.type);
        Assert.Equal(DeviceType.CPU, fallback.Model.Device.type);
        Assert.Contains("FallbackToCpu is false", error.GetBaseException().Message);
        cpu.Dispose();
        fallback.Dispose();
    }

    [Theory]
    [InlineData(TransformerDevice.Cpu, 0, false, true, "cpu")]
    [InlineData(TransformerDevice.Automatic, null, false, false, "cpu")]
    [InlineData(TransformerDevice.Automatic, 0, true, false, "cpu")]
    public void Rules_without_cuda(TransformerDevice device, int? gpuDeviceId, bool fallbackToCpu, bool cudaAvailable, string expected)
    {
        // cudaAvailable true is only meaningful with a GPU; on CPU it is asked only for TransformerDevice.Cpu, which never looks.
        Assert.Equal(expected, DeviceSelection.Resolve(device, gpuDeviceId, fallbackToCpu, cudaAvailable, log: null).type.ToString().ToLowerInvariant());
    }

    [Fact]
    public void Device_Cuda_without_a_gpu_and_without_fallback_names_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DeviceSelection.Resolve(TransformerDevice.Cuda, null, false, cudaAvailable: false, log: null));
        Assert.Contains("Device is Cuda", error.Message);
    }
}
