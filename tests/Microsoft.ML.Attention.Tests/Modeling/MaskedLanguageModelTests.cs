using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Modeling;

public class MaskedLanguageModelTests
{
    [Fact]
    public void Forward_selected_equals_the_full_forward_at_the_selected_positions()
    {
        manual_seed(3);
        using var model = new MaskedLanguageModel(TestConfigs.Gpt);
        model.eval();
        using var ids = randint(0, 50, [3, 7]);
        using var mask = ones(3, 7, dtype: int64);
        mask[2, 5] = 0;
        mask[2, 6] = 0;
        using var selected = tensor(new bool[] { true, false, false, true, false, false, true, false, true, false, false, false, false, false, true, false, false, false, false, false, false }).reshape(3, 7);

        using var full = model.forward(ids, mask);                      // [B, T, V]
        using var some = model.ForwardSelected(ids, mask, selected);    // [N, V]

        using var expected = full[selected];
        Assert.Equal(new long[] { 5, 50 }, some.shape);
        Assert.True(expected.allclose(some, rtol: 0, atol: 1e-5));
    }
}
