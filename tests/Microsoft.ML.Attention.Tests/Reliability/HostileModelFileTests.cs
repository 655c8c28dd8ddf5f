using System.Text;
using Microsoft.ML.Attention.Tests.Fixtures;

namespace Microsoft.ML.Attention.Tests.Reliability;

public class HostileModelFileTests
{
    private static SavedModelFixture MaskedLm => SavedModelFixture.All.Single(f => f.Name == "masked-lm-embeddings");

    [Fact]
    public void Resaved_model_has_checksums_and_predicts_as_before()
    {
        byte[] zip = ModelZip.Resave(MaskedLm);
        var original = ModelZip.Load(File.ReadAllBytes(MaskedLm.ModelPath));
        var resaved = ModelZip.Load(zip);

        Assert.Equal(ModelZip.Outputs(original, MaskedLm), ModelZip.Outputs(resaved, MaskedLm));
        using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip));
        Assert.Contains(archive.Entries, e => e.FullName.EndsWith("/Checksums.bin", StringComparison.Ordinal));
        (original as IDisposable)?.Dispose();
        (resaved as IDisposable)?.Dispose();
    }

    [Fact]
    public void Flipped_bit_in_the_weights_is_rejected_naming_the_stream()
    {
        byte[] zip = ModelZip.EditEntry(ModelZip.Resave(MaskedLm), "Network.bin", bytes =>
        {
            bytes[bytes.Length / 2] ^= 0x10;   // inside a weight's float: parses fine, predicts differently
            return bytes;
        });

        var error = ModelZip.LoadError(zip);
        Assert.Contains("Network.bin", error.Message);
        Assert.Contains("damaged", error.Message);
    }

    [Fact]
    public void Removed_checksums_are_rejected_for_a_model_of_the_checksum_format()
    {
        byte[] zip = ModelZip.RemoveEntry(ModelZip.Resave(MaskedLm), "Checksums.bin");

        var error = ModelZip.LoadError(zip);
        Assert.Contains("Checksums.bin", error.Message);
    }

    [Theory]
    [InlineData(8_192)]
    [InlineData(4_000_000)]
    public void Config_claiming_a_larger_network_than_its_weights_fails_before_allocating(int modelDimension)
    {
        // An old fixture (no checksums): the size check alone must stop it, before the network is built.
        byte[] zip = ModelZip.EditEntry(File.ReadAllBytes(MaskedLm.ModelPath), "Config.json", bytes =>
        {
            string json = new BinaryReader(new MemoryStream(bytes)).ReadString();
            json = System.Text.RegularExpressions.Regex.Replace(json, "\"ModelDimension\": \\d+", $"\"ModelDimension\": {modelDimension}");
            json = System.Text.RegularExpressions.Regex.Replace(json, "\"HeadCount\": \\d+", "\"HeadCount\": 1");
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                writer.Write(json);
            return stream.ToArray();
        });

        var error = ModelZip.LoadError(zip);
        Assert.Contains("Config.json", error.Message);
        Assert.Contains($"ModelDimension {modelDimension}", error.Message);
        Assert.Contains("Network.bin", error.Message);
    }

    [Fact]
    public void Model_of_a_newer_format_version_is_a_clear_error()
    {
        byte[] zip = ModelZip.EditEntry(File.ReadAllBytes(MaskedLm.ModelPath), "Model.key", bytes =>
        {
            int at = IndexOf(bytes, Encoding.ASCII.GetBytes("ATTNTEXT"));
            Assert.True(at >= 0);
            BitConverter.TryWriteBytes(bytes.AsSpan(at + 8), 0x00020001u);    // version written
            BitConverter.TryWriteBytes(bytes.AsSpan(at + 12), 0x00020001u);   // version readable
            return bytes;
        });

        var error = ModelZip.LoadError(zip);
        Assert.Contains("newer Microsoft.ML.Attention", error.Message);
        Assert.Contains("0x00020001", error.Message);
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
