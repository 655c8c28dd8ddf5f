using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Modeling;

public class RmsNormTests
{
    [Fact]
    public void Divides_by_the_root_mean_square_and_scales_by_the_weight()
    {
        using var norm = new RmsNorm(dimension: 2, epsilon: 1e-5);
        using (torch.no_grad())
        {
            norm.Weight.copy_(torch.tensor(new float[] { 1, 2 }));
        }

        using var input = torch.tensor(new float[] { 3, 4 }).view(1, 2);

        using var output = norm.forward(input);

        var rms = Math.Sqrt((9 + 16) / 2.0 + 1e-5);
        TensorAssert.Close(torch.tensor(new[] { 3 / rms, 2 * 4 / rms }).view(1, 2), output, 1e-6);
        Assert.Equal(new[] { "weight" }, norm.state_dict().Keys);
    }

    [Fact]
    public void A_bfloat16_norm_returns_bfloat16_close_to_the_float32_result()
    {
        using var norm = new RmsNorm(dimension: 4, epsilon: 1e-5);
        torch.manual_seed(30);
        using var input = torch.randn(2, 4).to(ScalarType.BFloat16);
        using var reference = norm.forward(input.to(ScalarType.Float32));
        norm.to(ScalarType.BFloat16);

        using var output = norm.forward(input);

        Assert.Equal(ScalarType.BFloat16, output.dtype);
        TensorAssert.Close(reference, output, 2e-2);
    }
}
