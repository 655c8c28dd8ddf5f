namespace Microsoft.ML.Attention.Tests.Import;

public class AttentionWeightsApiTests
{
    [Fact]
    public void Imported_MiniLM_gives_weights_per_layer_and_head_over_its_wordpiece_tokens()
    {
        var ml = new MLContext(seed: 1);
        using var encoder = ml.Transforms.ImportEncoder(MiniLmFiles.ModelPath, MiniLmFiles.VocabularyPath);

        var attention = encoder.GetAttentionWeights("The food was great.");

        Assert.Equal(["[CLS]", "the", "food", "was", "great", ".", "[SEP]"], attention.Tokens);
        Assert.Equal((6, 12), (attention.LayerCount, attention.HeadCount));
        for (int layer = 0; layer < attention.LayerCount; layer++)
        {
            for (int head = 0; head < attention.HeadCount; head++)
            {
                var matrix = attention.Head(layer, head);
                for (int query = 0; query < attention.Tokens.Count; query++)
                {
                    float sum = 0;
                    for (int key = 0; key < attention.Tokens.Count; key++)
                    {
                        Assert.InRange(matrix[query, key], 0f, 1f);
                        sum += matrix[query, key];
                    }
                    Assert.Equal(1f, sum, 4);
                }
            }
        }
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => attention.Head(6, 0));
        Assert.Contains("[0, 6)", error.Message);
    }

    [Fact]
    public void A_decoder_attends_only_to_itself_and_earlier_tokens()
    {
        var ml = new MLContext(seed: 1);
        using var stories = Causal.CausalModels.ImportStories(ml, new Microsoft.ML.Attention.Generation.GenerationOptions { Temperature = 0 });

        var attention = stories.GetAttentionWeights("Once upon a time");

        int count = attention.Tokens.Count;
        Assert.True(count >= 4, string.Join("|", attention.Tokens));
        for (int query = 0; query < count; query++)
        {
            for (int key = query + 1; key < count; key++)
                Assert.Equal(0f, attention.Weights[4, 7, query, key]);
        }
        Assert.Equal(1f, attention.Weights[0, 0, 0, 0], 5);
        Assert.Throws<ArgumentException>(() => stories.GetAttentionWeights("a", "b"));
    }
}
