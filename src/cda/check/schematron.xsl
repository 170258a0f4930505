<?xml version="1.0" encoding="UTF-8"?>
<!--
  Passerelle's driver for the ANS CI-SIS schematrons, run by Saxon-HE (XSLT 3.0, XPath 3.1 fn:transform).

  mode "compile": runs the ISO Schematron pipeline of the ANS kit (schematrons/moteur/
  iso_dsdl_include.xsl → iso_abstract_expand.xsl → iso_svrl_for_xslt2.xsl) over each .sch of
  $schematrons and writes the resulting XSLT to the same position under $out. The compiled XSLT
  gets xml:base = the .sch's own URI, so that the value-set lookups (document('../jeuxDeValeurs/…'))
  resolve inside the kit as they do when the ANS runs it in place.

  mode "run": applies every compiled XSLT of $stylesheets to every document of $documents and
  returns one JSON object per document with the SVRL failed asserts and successful reports.
  Parameters are whitespace-separated absolute URIs.
-->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:svrl="http://purl.oclc.org/dsdl/svrl"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map" exclude-result-prefixes="#all">
  <xsl:param name="mode" as="xs:string" required="yes"/>
  <xsl:param name="moteur" as="xs:string" select="''"/>
  <xsl:param name="schematrons" as="xs:string" select="''"/>
  <xsl:param name="out" as="xs:string" select="''"/>
  <xsl:param name="stylesheets" as="xs:string" select="''"/>
  <xsl:param name="documents" as="xs:string" select="''"/>
  <xsl:output method="json" indent="no"/>

  <xsl:template name="xsl:initial-template">
    <xsl:choose>
      <xsl:when test="$mode = 'compile'">
        <xsl:variable name="targets" select="tokenize($out)"/>
        <xsl:for-each select="tokenize($schematrons)">
          <xsl:variable name="sch" select="."/>
          <xsl:variable name="i" select="position()"/>
          <xsl:variable name="s1" select="transform(map {
            'stylesheet-location': $moteur || 'iso_dsdl_include.xsl',
            'source-node': doc($sch)})?output"/>
          <xsl:variable name="s2" select="transform(map {
            'stylesheet-location': $moteur || 'iso_abstract_expand.xsl',
            'source-node': $s1})?output"/>
          <xsl:variable name="s3" select="transform(map {
            'stylesheet-location': $moteur || 'iso_svrl_for_xslt2.xsl',
            'source-node': $s2})?output"/>
          <xsl:result-document href="{$targets[$i]}" method="xml">
            <xsl:for-each select="$s3/*">
              <xsl:copy>
                <xsl:attribute name="xml:base" select="$sch"/>
                <xsl:copy-of select="@*, node()"/>
              </xsl:copy>
            </xsl:for-each>
          </xsl:result-document>
        </xsl:for-each>
        <xsl:sequence select="map {'compiled': count(tokenize($schematrons))}"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="sheets" select="tokenize($stylesheets)"/>
        <xsl:sequence select="array {
          for $d in tokenize($documents) return map {
            'document': $d,
            'results': array { for $s in $sheets return
              let $svrl := transform(map {'stylesheet-location': $s, 'source-node': doc($d)})?output
              return map {
                'schematron': $s,
                'firedRules': count($svrl//svrl:fired-rule),
                'asserts': array { for $a in $svrl//(svrl:failed-assert | svrl:successful-report) return map {
                  'kind': local-name($a),
                  'id': string($a/@id),
                  'role': string($a/@role),
                  'location': string($a/@location),
                  'test': string($a/@test),
                  'text': normalize-space(string-join($a/svrl:text//text(), ' '))
                } }
              } }
          } }"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
