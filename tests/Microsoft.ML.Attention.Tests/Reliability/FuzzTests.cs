using Microsoft.ML.Attention.Tests.Fixtures;

namespace Microsoft.ML.Attention.Tests.Reliability;

/// <summary>
/// Seeded mutations of real files (a fixed number per file, no clock): loading either succeeds or throws a managed exception; a saved
/// model that loads predicts exactly what the unharmed model predicts (its checksums catch every change to the bytes it reads).
/// </summary>
public class FuzzTests
{
    private const int MutationsPerModel = 12;
    private const int BitsPerMutation = 8;

    [Theory]
    [MemberData(nameof(SavedModelFixtureTests.Names), MemberType = typeof(SavedModelFixtureTests))]
    public void Mutated_saved_model_either_loads_unharmed_or_throws(string name)
    {
        var fixture = SavedModelFixture.All.Single(f => f.Name == name);
        byte[] original = ModelZip.Resave(fixture);
        var good = ModelZip.Load(original);
        var expected = ModelZip.Outputs(good, fixture);
        (good as IDisposable)?.Dispose();
        var random = new Random(name.Length * 7919);
        int rejected = 0;

        for (int m = 0; m < MutationsPerModel; m++)
        {
            byte[] mutated = FlipBits(original, random);
            ITransformer model;
            try
            {
                model = ModelZip.Load(mutated);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                rejected++;
                continue;
            }
            try
            {
                Assert.Equal(expected, ModelZip.Outputs(model, fixture));
            }
            finally
            {
                (model as IDisposable)?.Dispose();
            }
        }
        Assert.True(rejected > 0, $"none of {MutationsPerModel} mutated copies of {name} was rejected");
    }

    [Fact]
    public void Mutated_llama2c_checkpoint_and_tokenizer_import_or_throw()
    {
        string folder = TestData.Path("weights", "stories260K");
        byte[] checkpoint = File.ReadAllBytes(Path.Combine(folder, "stories260K.bin"));
        byte[] tokenizer = File.ReadAllBytes(Path.Combine(folder, "tok512.bin"));
        var random = new Random(260);
        string checkpointPath = Path.Combine(Path.GetTempPath(), $"mlattention-fuzz-{Guid.NewGuid():N}.bin");
        string tokenizerPath = Path.Combine(Path.GetTempPath(), $"mlattention-fuzz-{Guid.NewGuid():N}.tok");
        int imported = 0, rejected = 0;
        try
        {
            for (int m = 0; m < 24; m++)
            {
                // Even mutations hit the 28-byte header (dimensions) or the tokenizer; odd ones anywhere in the checkpoint.
                byte[] mutatedCheckpoint = m % 4 == 0 ? FlipBits(checkpoint, random, headerBytes: 28) : m % 2 == 1 ? FlipBits(checkpoint, random) : checkpoint;
                byte[] mutatedTokenizer = m % 4 == 2 ? FlipBits(tokenizer, random) : tokenizer;
                File.WriteAllBytes(checkpointPath, mutatedCheckpoint);
                File.WriteAllBytes(tokenizerPath, mutatedTokenizer);
                try
                {
                    using var model = new MLContext(seed: 1).Transforms.ImportLlama2c(checkpointPath, tokenizerPath);
                    imported++;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    rejected++;
                }
            }
        }
        finally
        {
            File.Delete(checkpointPath);
            File.Delete(tokenizerPath);
        }
        Assert.Equal(24, imported + rejected);
        Assert.True(rejected > 0 && imported > 0, $"imported {imported}, rejected {rejected}");
    }

    private static byte[] FlipBits(byte[] bytes, Random random, int headerBytes = 0)
    {
        byte[] copy = (byte[])bytes.Clone();
        int range = headerBytes > 0 ? headerBytes : copy.Length;
        for (int i = 0; i < BitsPerMutation; i++)
            copy[random.Next(range)] ^= (byte)(1 << random.Next(8));
        return copy;
    }
}
