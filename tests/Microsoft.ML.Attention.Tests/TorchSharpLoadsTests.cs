using TorchSharp;

namespace Microsoft.ML.Attention.Tests;

public class TorchSharpLoadsTests
{
    [Fact]
    public void Native_library_loads_and_multiplies_matrices()
    {
        using var a = torch.ones(2, 3);
        using var b = torch.ones(3, 4);
        using var c = a.matmul(b);
        Assert.Equal(3f, c[1, 2].item<float>());
    }
}
