using System.Text.Json;
using RetentionConsole.Core.Integrations.Bitrix24;

namespace RetentionConsole.Tests.Integrations.Bitrix24;

public sealed class Bitrix24MapperTests
{
    private static B24Company Company(string json) => Bitrix24Mapper.Read<B24Company>(JsonDocument.Parse(json).RootElement, "company");

    [Fact]
    public void Company_DomainsFromEmailAndWeb_LowerCasedDistinct_WwwDropped()
    {
        var c = Company("""
            {"ID":"12","TITLE":"Acme","ASSIGNED_BY_ID":"7",
             "EMAIL":[{"ID":"1","VALUE_TYPE":"WORK","VALUE":"Sales@ACME.example","TYPE_ID":"EMAIL"},{"ID":"2","VALUE":"ops@acme.example"}],
             "WEB":[{"ID":"3","VALUE":"https://www.Acme.example/about"},{"ID":"4","VALUE":"acme-labs.example"},{"ID":"5","VALUE":"not a url"}]}
            """);
        var account = Bitrix24Mapper.ToAccount(c, new Bitrix24Options(), CurrencyRates.Empty, out _);
        Assert.Equal("acme.example,acme-labs.example", account.Domains);
        Assert.Equal("user #7", account.Owner);
    }

    [Fact]
    public void Company_TierAndServicesFromConfiguredFields()
    {
        var c = Company("""{"ID":"3","TITLE":"X","UF_CRM_T":"Enterprise","UF_CRM_S":["core-api","reporting","core-api"]}""");
        var account = Bitrix24Mapper.ToAccount(c, new Bitrix24Options { TierField = "UF_CRM_T", ServicesField = "UF_CRM_S" }, CurrencyRates.Empty, out _);
        Assert.Equal("Enterprise", account.Tier);
        Assert.Equal("core-api,reporting", account.Services);
    }

    [Theory]
    [InlineData("150000|USD", 150000.00)]
    [InlineData("100000.50|EUR", 108000.54)]
    [InlineData("99000", 99000.00)]
    [InlineData("USD|42", 42.00)]
    public void Company_ArrField_MoneyOrPlainNumber(string value, double expected)
    {
        var rates = Bitrix24Mapper.ToRates([new B24Currency { Currency = "USD", Amount = "1", Base = "Y" }, new B24Currency { Currency = "EUR", Amount = "1.08" }]);
        var c = Company($$"""{"ID":"3","TITLE":"X","UF_CRM_ARR":"{{value}}"}""");
        var account = Bitrix24Mapper.ToAccount(c, new Bitrix24Options { ArrSource = ArrSource.CompanyField, ArrField = "UF_CRM_ARR" }, rates, out var problem);
        Assert.Null(problem);
        Assert.Equal((decimal)expected, account.Arr);
    }

    [Fact]
    public void Company_ArrFieldInUnknownCurrency_IsUnknownWithAProblem()
    {
        var c = Company("""{"ID":"3","TITLE":"X","UF_CRM_ARR":"5000|JPY"}""");
        var account = Bitrix24Mapper.ToAccount(c, new Bitrix24Options { ArrSource = ArrSource.CompanyField, ArrField = "UF_CRM_ARR" }, CurrencyRates.Empty, out var problem);
        Assert.Null(account.Arr);
        Assert.Contains("JPY", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"ID":"abc","TITLE":"X"}""")]
    [InlineData("""{"ID":"4","TITLE":"X","EMAIL":"broken"}""")]
    [InlineData("""{"ID":"4","TITLE":"X","UF_CRM_ARR":"lots"}""")]
    public void Company_Malformed_Throws_MalformedItem(string json)
    {
        Assert.Throws<Bitrix24MalformedItemException>(() =>
            Bitrix24Mapper.ToAccount(Company(json), new Bitrix24Options { ArrSource = ArrSource.CompanyField, ArrField = "UF_CRM_ARR" }, CurrencyRates.Empty, out _));
    }

    [Fact]
    public void Deal_NumbersAsStringsOrNumbers_ParseInvariant()
    {
        var culture = Thread.CurrentThread.CurrentCulture;
        Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            var d = Bitrix24Mapper.Read<B24Deal>(JsonDocument.Parse("""{"ID":17,"OPPORTUNITY":"1234.50","CURRENCY_ID":"usd","COMPANY_ID":"0","CATEGORY_ID":1}""").RootElement, "deal");
            var deal = Bitrix24Mapper.ToDeal(d, CurrencyRates.Empty, "USD");
            Assert.Equal(17, deal.Id);
            Assert.Equal(1234.50m, deal.Amount);
            Assert.Equal(1234.50m, deal.AmountReporting);
            Assert.Null(deal.AccountId); // COMPANY_ID "0" = no company
            Assert.Equal("1", deal.CategoryId);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = culture;
        }
    }

    [Fact]
    public void Contact_NameAndFirstEmail()
    {
        var c = Bitrix24Mapper.Read<B24Contact>(JsonDocument.Parse("""{"ID":"5","NAME":"Ana","LAST_NAME":"Silva","COMPANY_ID":"3","EMAIL":[{"VALUE":"Ana.Silva@Acme.example"}]}""").RootElement, "contact");
        var contact = Bitrix24Mapper.ToContact(c);
        Assert.Equal("Ana Silva", contact.Name);
        Assert.Equal("ana.silva@acme.example", contact.Email);
        Assert.Equal(3, contact.AccountId);
    }

    [Theory]
    [InlineData("CompanyField", null, null, "ArrField is required")]
    [InlineData("WonDeals", "ftp://portal/rest/1/x/", null, "WebhookUrl")]
    [InlineData("WonDeals", null, "uf_crm_lower", "TierField")]
    public void Options_CrossFieldRules_NameTheKey(string source, string? url, string? tierField, string message)
    {
        var options = new Bitrix24Options { ArrSource = Enum.Parse<ArrSource>(source), WebhookUrl = url, TierField = tierField };
        var result = new Bitrix24OptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults_AreValid()
    {
        Assert.True(new Bitrix24OptionsValidator().Validate(null, new Bitrix24Options()).Succeeded);
        Assert.True(new Bitrix24OptionsValidator().Validate(null, new Bitrix24Options
        {
            WebhookUrl = "https://acme.bitrix24.com/rest/1/abcdef123456/", ArrSource = ArrSource.CompanyField, ArrField = "UF_CRM_1721244482250",
        }).Succeeded);
    }
}
