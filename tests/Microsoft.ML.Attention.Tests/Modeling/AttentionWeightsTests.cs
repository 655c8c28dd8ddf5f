using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Modeling;

public class AttentionWeightsTests
{
    // Post-norm, rotary positions, no embedding norm or token types: the first layer's input is the token embedding itself.
    private static readonly TransformerConfig Config = TestConfigs.Gpt with
    {
        PositionalEncoding = PositionalEncodingKind.Rotary,
        NormalizationPlacement = NormalizationPlacement.PostNorm,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Backbone_weights_sum_to_one_over_visible_keys_and_are_zero_on_hidden_ones(bool causal)
    {
        torch.manual_seed(3);
        using var backbone = new TransformerBackbone(Config);
        backbone.eval();
        using var ids = torch.tensor(new long[] { 5, 9, 2, 7, 1, 3, 8, 8 }).reshape(2, 4);
        using var mask = torch.tensor(new long[] { 1, 1, 1, 1, 1, 1, 0, 0 }).reshape(2, 4); // the second row has 2 padding positions

        var (hidden, weights) = backbone.ForwardWithAttentionWeights(ids, mask, causal);

        Assert.Equal(Config.LayerCount, weights.Length);
        foreach (var layer in weights)
        {
            Assert.Equal(new long[] { 2, Config.HeadCount, 4, 4 }, layer.shape);
            for (int row = 0; row < 2; row++)
            {
                for (int query = 0; query < (row == 0 ? 4 : 2); query++)   // the queries of real tokens
                {
                    for (int key = 0; key < 4; key++)
                    {
                        bool visible = (row == 0 || key < 2) && (!causal || key <= query);
                        var column = layer[row, .., query, key];
                        if (!visible)
                            Assert.Equal(0.0, column.abs().max().item<float>(), 6);
                    }
                    TensorAssert.Close(torch.ones(Config.HeadCount), layer[row, .., query, ..].sum(-1), 1e-5);
                }
            }
        }
        hidden.Dispose();
        foreach (var layer in weights)
            layer.Dispose();
    }

    [Fact]
    public void Backbone_weights_equal_the_reference_attention_path_and_the_hidden_states_its_forward()
    {
        torch.manual_seed(4);
        using var backbone = new TransformerBackbone(Config);
        backbone.eval();
        using var ids = torch.tensor(new long[] { 5, 9, 2, 7, 1, 3 }).reshape(1, 6);
        using var scope = NewDisposeScope();

        var (hidden, weights) = backbone.ForwardWithAttentionWeights(ids, attentionMask: null, causal: true);
        var embedded = backbone.TokenEmbedding.forward(ids); // [1, 6, D]: layer 0's input in this configuration
        var (_, reference) = backbone.Layers[0].Attention.ForwardWithWeights(embedded, keyPaddingMask: null, causal: true);
        backbone.UseReferenceAttention = true;
        var referenceHidden = backbone.forward(ids, attentionMask: null, causal: true);
        backbone.UseReferenceAttention = false;
        var fastHidden = backbone.forward(ids, attentionMask: null, causal: true);

        TensorAssert.Close(reference, weights[0], 1e-6);
        TensorAssert.Close(referenceHidden, hidden, 1e-6);
        TensorAssert.Close(fastHidden, hidden, 1e-4);
    }
}
